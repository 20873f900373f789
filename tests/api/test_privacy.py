"""The UU PDP duties over HTTP: consent, the access log and subject access, as problem documents
when refused."""
from __future__ import annotations

from tests.api.http_case import HttpCase, pm

NIK = "3171011501900001"
CONSENT = {"party": "pm", "given_by": "Budi Santoso", "given_on": "2026-01-05", "scope": ["asesmen"]}


def register(api, staff, nik=NIK) -> HttpCase:
    response = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm(nik=nik)})
    assert response.status_code == 201, response.json
    return HttpCase(api, response.json["id"])


def test_withdrawing_consent_over_http_suspends_and_giving_it_again_resumes(api, staff, deployed):
    case = register(api, staff)
    peksos = api.as_("peksos")
    assert peksos.post(f"/cases/{case.case_id}/consents", json=CONSENT).status_code == 201
    withdrawn = peksos.post(f"/cases/{case.case_id}/consent-withdrawal", json={"reason": "PM menolak"})
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "suspended"
    assert withdrawn.json["missing"] == ["pm"]
    assert peksos.get("/tasks").json["items"] == []
    refused = peksos.get(f"/cases/{case.case_id}")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert case.detail()["status"] == "suspended"  # the supervisor still reads it
    again = peksos.post(f"/cases/{case.case_id}/consent-withdrawal", json={"reason": "lagi"})
    assert again.status_code == 409
    assert peksos.post(f"/cases/{case.case_id}/consents", json=CONSENT).status_code == 201
    assert case.detail()["status"] == "active" and case.open_names() == ["Identifikasi & orientasi"]


def test_a_bad_consent_is_a_problem_naming_its_field(api, staff, deployed):
    case = register(api, staff)
    response = api.as_("peksos").post(f"/cases/{case.case_id}/consents", json={**CONSENT, "given_on": "2999-01-01"})
    assert response.status_code == 422 and list(response.json["fields"]) == ["given_on"]
    response = api.as_("peksos").post(f"/cases/{case.case_id}/consents", json={**CONSENT, "party": "teman"})
    assert response.status_code == 422 and "party" in response.json["fields"]


def test_the_access_log_answers_supervisors_by_pm_and_user(api, staff, deployed):
    case = register(api, staff)
    api.as_("konselor").get(f"/cases/{case.case_id}")
    supervisor = api.as_("supervisor")
    rows = supervisor.get(f"/access-log?nik={NIK}&actor=konselor").json
    assert [(r["action"], r["object_type"], r["case_id"]) for r in rows] == [("read", "case", case.case_id)]
    assert api.as_("peksos").get("/access-log").status_code == 403
    assert supervisor.get("/access-log?nik=123").status_code == 422
    naive = supervisor.get("/access-log?since=2026-01-05T00:00:00")
    assert naive.status_code == 422 and list(naive.json["fields"]) == ["since"]
    assert supervisor.get("/access-log?since=2026-01-05T00:00:00%2B07:00").status_code == 200


def test_an_admin_produces_everything_held_about_a_pm(api, staff, deployed):
    case = register(api, staff)
    case.complete("Identifikasi & orientasi")
    admin = api.as_("admin")
    report = admin.get(f"/subject-access?nik={NIK}")
    assert report.status_code == 200, report.json
    held = report.json["cases"][0]
    assert held["pm_nik"] == NIK and held["profile"]["nama"] == "Budi Santoso"
    assert {e["kind"] for e in held["history"]} >= {"case_started", "task_completed"}
    assert held["workflow_data"]["pm"]["nik"] == NIK
    assert any(row["action"] == "change" for row in report.json["access_log"])
    exports = admin.get(f"/access-log?nik={NIK}&actor=admin").json
    assert [(r["action"], r["object_type"]) for r in exports] == [("export", "subject")]
    assert api.as_("supervisor").get(f"/subject-access?nik={NIK}").status_code == 403
    assert admin.get("/subject-access?nik=3171011501909999").status_code == 404
