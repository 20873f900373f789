"""Transfers and referrals over HTTP: 201s, the field at fault in a 422, and the inbox of the receiving unit."""
from __future__ import annotations


def _case(api, staff) -> int:
    pm = {"nama": "Rudi Rujuk", "nik": "3171011501900002", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}
    return api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm}).json["id"]


def test_a_transfer_proposed_and_accepted_over_http_moves_the_case(api, staff, deployed, other_supervisor):
    case_id = _case(api, staff)
    bad = api.as_("peksos").post(f"/cases/{case_id}/transfers", json={
        "to_unit_id": staff.unit_id, "reason": "pindah", "consent_given_by": "Rudi", "consent_given_on": "2026-01-02"})
    assert bad.status_code == 422 and "to_unit_id" in str(bad.json)
    missing = api.as_("peksos").post(f"/cases/{case_id}/transfers", json={"to_unit_id": staff.other_unit_id})
    assert missing.status_code == 422 and "consent_given_by" in str(missing.json)
    made = api.as_("peksos").post(f"/cases/{case_id}/transfers", json={
        "to_unit_id": staff.other_unit_id, "reason": "pindah domisili", "consent_given_by": "Rudi",
        "consent_given_on": "2026-01-02"})
    assert made.status_code == 201, made.json
    inbox = api.as_(other_supervisor).get("/handovers").json
    assert [(h["kind"], h["pm_name"], h["from_unit"]) for h in inbox] == [("transfer", "Rudi Rujuk",
                                                                          "Balai Rehabilitasi Sosial Demo")]
    no_note = api.as_(other_supervisor).post(f"/handovers/{made.json['id']}/answer", json={"answer": "rejected"})
    assert no_note.status_code == 422 and "note" in str(no_note.json)
    accepted = api.as_(other_supervisor).post(f"/handovers/{made.json['id']}/answer", json={"answer": "accepted"})
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert api.as_("asing").get(f"/cases/{case_id}").json["unit_id"] == staff.other_unit_id
    assert api.as_("peksos").get(f"/cases/{case_id}").status_code == 403
    kinds = [e["kind"] for e in api.as_("peksos").get(f"/cases/{case_id}/history").json]
    assert kinds[-1] == "transfer_accepted"


def test_a_referral_over_http_names_the_field_at_fault_and_lands_its_answer_in_the_history(api, staff, deployed):
    case_id = _case(api, staff)
    bad = api.as_("peksos").post(f"/cases/{case_id}/referrals", json={"service": "pijat", "reason": "x"})
    assert bad.status_code == 422 and "service" in str(bad.json)
    neither = api.as_("peksos").post(f"/cases/{case_id}/referrals", json={"service": "shelter", "reason": "x"})
    assert neither.status_code == 422 and "to_unit_id" in str(neither.json)
    made = api.as_("peksos").post(f"/cases/{case_id}/referrals", json={
        "service": "rehabilitasi_medis", "reason": "detoks", "to_unit_id": staff.other_unit_id})
    assert made.status_code == 201
    seen = api.as_("asing").get(f"/handovers/{made.json['id']}").json
    assert (seen["pm_name"], seen["service"], seen["can_answer"]) == ("Rudi Rujuk", "rehabilitasi_medis", True)
    assert api.as_("asing").get(f"/cases/{case_id}").status_code == 403
    done = api.as_("asing").post(f"/handovers/{made.json['id']}/answer", json={"answer": "done", "note": "selesai"})
    assert done.status_code == 200
    history = api.as_("peksos").get(f"/cases/{case_id}/history").json
    assert history[-1]["kind"] == "referral_answered"
    assert api.as_("peksos").get("/handovers/999999").status_code == 404
