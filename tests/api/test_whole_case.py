"""A whole ATENSI case over HTTP, each step done by the user whose role the step needs."""
from datetime import timedelta

from engine.cases import timers
from tests.api.http_case import HttpCase, pm


def pass_time(api, session_factory, clock, days: int, case: HttpCase | None = None):
    """Move the clock, let the scheduler fire what is due, and do the monthly reviews that opened."""
    clock.shift(timedelta(days=days))
    timers.fire_due(session_factory)
    api.forget_tokens()  # a day-long token does not survive months
    if case is not None:
        while "Monitoring bulanan" in case.open_names():
            case.complete("Monitoring bulanan")


def test_a_high_risk_case_runs_from_referral_to_closure_over_http(api, staff, deployed, clock, session_factory):
    created = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm(nama="Rudi Hartono")})
    assert created.status_code == 201, created.json
    case = HttpCase(api, created.json["id"])
    assert (created.json["stage"], created.json["kategori_usia"]) == ("identifikasi", "dewasa")

    case.complete("Identifikasi & orientasi", kondisi_awal="Cemas, kooperatif")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=31)
    assert case.detail()["risk_level"] == "tinggi"
    case.complete("Asesmen lanjut", setting="rawat_inap")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi", "dukungan_keluarga"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
    assert case.detail()["stage"] == "intervensi"
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)

    for _ in range(4):  # four months of rawat inap, with the monthly reviews
        pass_time(api, session_factory, clock, days=31, case=case)
    pass_time(api, session_factory, clock, days=2, case=case)
    assert case.detail()["stage"] == "reintegrasi"
    for name in ("Tes minat dan bakat", "Persiapan keluarga", "Kunjungan rumah"):
        case.complete(name)
    pass_time(api, session_factory, clock, days=32, case=case)

    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    case.complete("Persetujuan terminasi", terminasi_disetujui=True)
    case.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])
    for _ in range(3):
        case.complete("Kunjungan tindak lanjut")
    case.complete("Penutupan kasus")

    final = case.detail()
    assert final["status"] == "completed" and final["open_tasks"] == []
    history = api.as_("supervisor").get(f"/cases/{case.case_id}/history").json
    done_by = {e["message"]: e["actor"] for e in history if e["kind"] == "task_completed"}
    assert done_by["Skrining ASSIST"] == "konselor"
    assert done_by["Persetujuan rencana intervensi"] == "supervisor"
    assert done_by["Laporan terminasi"] == "peksos"
    assert history[0]["kind"] == "case_started" and history[0]["actor"] == "peksos"
    diagram = api.as_("peksos").get(f"/cases/{case.case_id}/diagram").json
    assert diagram["active"] == [] and diagram["waiting"] == []
    assert {"Task_skrining", "Task_tes_minat_bakat", "End_kasus_ditutup"} <= set(diagram["completed"])


def test_a_crisis_reported_during_intervensi_opens_a_case_response_for_the_same_pm(api, staff, deployed, clock):
    created = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm(nama="Sari Dewi")})
    case = HttpCase(api, created.json["id"])
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=12)
    case.complete("Asesmen lanjut", setting="rawat_jalan")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi")
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)

    diagram = api.as_("konselor").get(f"/cases/{case.case_id}/diagram").json
    assert "Task_pelaksanaan_intervensi" in diagram["active"] and "Task_skrining" in diagram["completed"]
    assert "Timer_periode_program_berakhir" in set(diagram["waiting"])
    assert 'id="atensi_intake"' in diagram["xml"]

    reported = api.as_("peksos").post(f"/cases/{case.case_id}/messages",
                                      json={"name": "krisis", "payload": {"uraian": "PM overdosis"}})
    assert reported.status_code == 200, reported.json
    (child_id,) = reported.json["child_case_ids"]
    child = api.as_("peksos").get(f"/cases/{child_id}").json
    assert (child["process_key"], child["pm_name"], child["parent_case_id"]) == ("case_response", "Sari Dewi",
                                                                               case.case_id)
    assert [t["name"] for t in child["open_tasks"]] == ["Kedaruratan (triase)"]
    history = api.as_("supervisor").get(f"/cases/{case.case_id}/history").json
    received = [e for e in history if e["kind"] == "message_received"]
    assert [(e["actor"], e["message"], e["data"]) for e in received] == [
        ("peksos", "krisis", {"uraian": "PM overdosis"})]


def test_a_new_emergency_referral_starts_a_case_response(api, staff, deployed):
    response = api.as_("peksos").post("/case-responses", json={
        "unit_id": staff.unit_id, "pm": {"nama": "Tanpa Identitas"}, "uraian": "Ditemukan tidak sadar"})
    assert response.status_code == 201, response.json
    assert response.json["process_key"] == "case_response"
    assert response.json["stage"] == "kedaruratan"
    assert response.json["profile"]["nama"] == "Tanpa Identitas"
