"""The personal-data pages: consent on the case page, the record of processing, subject access."""
from __future__ import annotations

import json

from tests.case_driver import CaseDriver, registration
from tests.web.test_pages import text_of

NIK = "3171011501900001"


def start(runtime, staff) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik=NIK),
                                                         staff.actor("peksos")))


def give_consent(pages, case_id):
    return pages.post(f"/cases/{case_id}/consents", {"party": "pm", "given_by": "Budi Santoso",
                                                     "given_on": "2026-01-05", "scope": ["asesmen", "intervensi"]},
                      token_from=f"/cases/{case_id}")


def test_consent_is_recorded_and_withdrawn_from_the_case_page(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("peksos")
    page = text_of(client.get(f"/cases/{case.case_id}"))
    assert "Persetujuan pemrosesan data" in page and "Belum ada persetujuan yang dicatat." in page
    give_consent(pages, case.case_id)
    page = text_of(client.get(f"/cases/{case.case_id}"))
    assert "Budi Santoso" in page and "berlaku" in page
    response = pages.post(f"/cases/{case.case_id}/consent-withdrawal", {"reason": "PM menolak"},
                          token_from=f"/cases/{case.case_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    inbox = text_of(client.get("/inbox"))
    assert "ditangguhkan" in inbox and "Identifikasi &amp; orientasi" not in inbox
    assert case.case().status == "suspended"


def test_the_supervisor_reads_the_record_of_processing_by_pm(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("peksos")
    client.get(f"/cases/{case.case_id}")
    client.get("/cases/export.csv")
    pages.client.post("/logout", data={"csrf_token": pages.token("/inbox")})
    pages.login("supervisor")
    page = text_of(client.get(f"/privacy/access-log?nik={NIK}&actor=peksos"))
    assert "Catatan pemrosesan" in page and "Dibaca" in page and f"#{case.case_id}" in page
    exports = text_of(client.get("/privacy/access-log?actor=peksos"))
    assert "Ekspor daftar kasus" in exports


def test_the_record_of_processing_is_not_for_case_workers(client, staff, deployed, pages):
    pages.login("peksos")
    assert client.get("/privacy/access-log").status_code == 403
    assert client.get(f"/privacy/subject-access?nik={NIK}").status_code == 403


def test_an_admin_produces_a_printable_and_a_json_subject_access_report(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("admin")
    page = text_of(client.get(f"/privacy/subject-access?nik={NIK}"))
    assert f"Data pribadi yang disimpan tentang NIK {NIK}" in page and "Budi Santoso" in page
    assert "Jl. Melati 5, Jakarta" in page
    response = client.get(f"/privacy/subject-access.json?nik={NIK}")
    report = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/json" and report["cases"][0]["id"] == case.case_id
    assert client.get("/privacy/subject-access?nik=3171011501909999").status_code == 404
    assert client.get("/privacy/subject-access?nik=abc").status_code == 422


def test_lists_show_the_nik_masked(client, staff, deployed, pages, runtime):
    start(runtime, staff)
    pages.login("peksos")
    page = text_of(client.get("/cases"))
    assert "************0001" in page and NIK not in page
