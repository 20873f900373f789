"""The pages through Flask's test client: sign-in, CSRF, cookies, access, and what each page does."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import insert, select

from atensi import create_app
from engine.storage.models import Case, Incident
from tests.case_driver import CaseDriver, registration
from tests.conftest import settings_for
from tests.web.conftest import Pages, csrf_token_of


def start(runtime, staff, **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor("peksos")))


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- signing in ------------------------------------------------------------------------------------


def test_a_page_needs_a_login_and_sends_you_back_after_it(client, staff, pages):
    response = client.get("/inbox?stage=asesmen")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/inbox?stage%3Dasesmen"
    token = pages.token("/login?next=/inbox?stage%3Dasesmen")
    response = client.post("/login", data={"username": "peksos", "password": "rahasia-demo-123",
                                           "next": "/inbox?stage=asesmen", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox?stage=asesmen"
    assert client.get("/inbox").status_code == 200


def test_a_wrong_password_is_refused_and_repeated_failures_are_rate_limited(client, staff, pages):
    response = pages.login("peksos", "salah-sekali")
    assert response.status_code == 401 and "Nama pengguna atau kata sandi salah." in text_of(response)
    statuses = [pages.login("peksos", "salah-sekali").status_code for _ in range(12)]
    assert statuses[-1] == 429 and "Terlalu banyak percobaan" in text_of(pages.login("peksos", "salah"))


def test_sign_in_never_redirects_to_another_site(client, staff, pages):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post("/login", data={"username": "peksos", "password": "rahasia-demo-123",
                                               "next": target, "csrf_token": pages.token()})
        assert response.headers["Location"] == "/inbox", target


def test_signing_out_ends_the_session(client, staff, pages):
    pages.login("peksos")
    response = pages.post("/logout", token_from="/inbox")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/inbox").status_code == 302


def test_a_deactivated_user_is_signed_out_at_the_next_page(app, client, staff, pages):
    pages.login("peksos")
    app.extensions["atensi"].directory.update_user(staff.actor("admin"), "peksos", active=False)
    assert client.get("/inbox").status_code == 302


# --- CSRF and cookies ------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(client, staff, deployed, pages, runtime):
    assert client.post("/login", data={"username": "peksos", "password": "x"}).status_code == 400
    case = start(runtime, staff)
    task_id = case.task("Identifikasi & orientasi").id
    pages.login("peksos")
    for path in ("/cases/new", f"/tasks/{task_id}", f"/tasks/{task_id}/claim", "/logout", "/language"):
        response = client.post(path, data={"nama": "Budi", "lang": "en"})
        assert response.status_code == 400, path
        assert "Formulir kedaluwarsa" in text_of(response)
    assert case.task("Identifikasi & orientasi").assignee is None


def test_a_token_from_another_session_is_refused(client, app, staff, pages):
    other = Pages(app.test_client())
    stolen = other.token()
    pages.login("peksos")
    assert client.post("/logout", data={"csrf_token": stolen}).status_code == 400


def test_the_session_cookie_is_httponly_and_samesite_lax(client, staff, pages):
    response = pages.login("peksos")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("atensi_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires" not in cookie  # a browser-session cookie; the server also refuses it after 12 hours


def test_the_session_cookie_is_secure_when_configured(database_url, staff, monkeypatch):
    monkeypatch.setenv("ATENSI_COOKIE_SECURE", "1")
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url), "TESTING": True})
    client, https = app.test_client(), "https://localhost"
    token = csrf_token_of(text_of(client.get("/login", base_url=https)))
    response = client.post("/login", data={"username": "peksos", "password": "rahasia-demo-123", "csrf_token": token},
                           base_url=https, headers={"Referer": f"{https}/login"})
    app.extensions["atensi"].db.dispose()
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("atensi_session="))
    assert "Secure" in cookie


def test_pages_forbid_inline_scripts_and_framing(client, staff, pages):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in text_of(response)


# --- access --------------------------------------------------------------------------------------


def test_the_dashboard_is_for_supervisors(client, staff, deployed, pages):
    pages.login("peksos")
    response = client.get("/dashboard")
    assert response.status_code == 403 and "Tidak diizinkan" in text_of(response)
    assert "/dashboard" not in text_of(client.get("/inbox"))  # not in the menu either


def test_a_case_of_another_unit_is_not_shown(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("asing")
    assert client.get(f"/cases/{case.case_id}").status_code == 403
    assert "Budi Santoso" not in text_of(client.get("/cases"))
    assert client.get("/cases/999").status_code == 404


# --- pages ---------------------------------------------------------------------------------------


def test_every_page_renders_for_a_supervisor(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("supervisor")
    task_id = case.task("Identifikasi & orientasi").id
    for path in ("/inbox", "/cases", f"/cases/{case.case_id}", "/cases/new", "/dashboard", f"/tasks/{task_id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="id"' in text_of(response) and "/editor" in text_of(response)


def test_registering_a_case_checks_nik_and_birth_date(client, staff, deployed, pages, session_factory):
    pages.login("peksos")
    form = {"nama": "Budi", "nik": "12345", "tanggal_lahir": "2999-01-01", "jenis_kelamin": "X",
            "sumber_rujukan": "keluarga"}
    response = pages.post("/cases/new", form, token_from="/cases/new")
    assert response.status_code == 422
    page = text_of(response)
    for message in ("NIK harus tepat 16 digit angka.", "Tanggal lahir tidak boleh di masa depan.",
                    "Pilih jenis kelamin."):
        assert message in page
    response = pages.post("/cases/new", {**form, "nik": "3171011501900001", "tanggal_lahir": "1990-01-15",
                                         "jenis_kelamin": "L"}, token_from="/cases/new")
    assert response.status_code == 302
    with session_factory() as session:
        case = session.scalars(select(Case)).one()
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert (case.pm_name, case.kategori_usia, case.stage) == ("Budi", "dewasa", "identifikasi")


def test_the_referral_source_has_no_default_and_must_be_chosen(client, staff, deployed, pages):
    pages.login("peksos")
    blank = text_of(client.get("/cases/new"))
    assert 'selected value="keluarga"' not in blank and 'value="keluarga" selected' not in blank
    assert blank.index('value=""', blank.index('id="sumber_rujukan"')) < blank.index('value="keluarga"')
    form = {"nama": "Budi", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L",
            "sumber_rujukan": ""}
    response = pages.post("/cases/new", form, token_from="/cases/new")
    assert response.status_code == 422 and "Pilih sumber rujukan." in text_of(response)


def test_completing_a_task_goes_to_my_next_task_on_the_case(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=12)
    assesment = case.task("Asesmen lanjut").id
    pages.login("peksos")
    data = {"medis": "2", "pekerjaan": "3", "penggunaan_napza": "5", "hukum": "0", "keluarga_sosial": "4",
            "psikiatri": "1", "kesiapan_berubah": "persiapan", "setting": "rawat_jalan"}
    response = pages.post(f"/tasks/{assesment}", data, token_from=f"/tasks/{assesment}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{case.task('Rujukan rehabilitasi medis').id}"
    case.complete("Rujukan rehabilitasi medis")
    plan = case.task("Susun rencana intervensi").id
    response = pages.post(f"/tasks/{plan}", {"komponen_atensi": ["terapi", "bantuan_sosial"], "tujuan": "Pulih",
                                             "rencana_kegiatan": "Terapi"}, token_from=f"/tasks/{plan}")
    assert response.headers["Location"] == "/inbox"  # the approval is the supervisor's


def test_a_task_form_is_prefilled_from_the_case_data(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=12)
    case.complete("Asesmen lanjut", setting="rawat_jalan")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi"], tujuan="Pulih", rencana_kegiatan="X")
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=False, catatan_supervisor="Tambah konseling")
    pages.login("peksos")
    page = text_of(client.get(f"/tasks/{case.task('Susun rencana intervensi').id}"))
    assert 'value="terapi" checked' in page and ">Pulih</textarea>" in page
    assert "Tambah konseling" in page  # the supervisor's note, read-only


def test_claim_and_unclaim_from_the_inbox(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    task_id = case.task("Identifikasi & orientasi").id
    pages.login("peksos")
    response = pages.post(f"/tasks/{task_id}/claim", {"next": "/inbox"}, token_from="/inbox")
    assert response.headers["Location"] == "/inbox" and case.task("Identifikasi & orientasi").assignee == "peksos"
    assert "Tugas ini sekarang menjadi tanggung jawab Anda." in text_of(client.get("/inbox"))
    response = pages.post(f"/tasks/{task_id}/claim", {"next": "/inbox"}, token_from="/inbox")
    assert "Tugas ini sudah diambil petugas lain." in text_of(client.get("/inbox"))
    pages.post(f"/tasks/{task_id}/unclaim", {"next": "/inbox"}, token_from="/inbox")
    assert case.task("Identifikasi & orientasi").assignee is None


def test_the_case_list_exports_its_filtered_rows_as_csv(client, staff, deployed, pages, runtime):
    start(runtime, staff, nama="=HYPERLINK(\"http://x\")", nik="3171011501900001")
    start(runtime, staff, nama="Dewi Lestari", nik="3171015502910002")
    pages.login("peksos")
    response = client.get("/cases/export.csv?q=3171011501900001&stage=identifikasi")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Kasus", "Nama", "NIK"]
    assert len(rows) == 2 and rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][4] == "Identifikasi"


@pytest.mark.parametrize("waits", [True, False])
def test_a_crisis_can_be_reported_only_while_the_case_waits_for_it(client, staff, deployed, pages, runtime, waits,
                                                                   session_factory):
    # an intake case takes a crisis at any stage, identifikasi too; a case response does not
    case = start(runtime, staff) if waits else CaseDriver(
        runtime, staff, runtime.start_case("case_response", registration(), staff.actor("peksos")))
    pages.login("peksos")
    page = text_of(client.get(f"/cases/{case.case_id}"))
    assert ('id="krisis"' in page) is waits
    response = pages.post(f"/cases/{case.case_id}/krisis", {"uraian": "PM overdosis di rumah"},
                          token_from=f"/cases/{case.case_id}")
    assert response.status_code == 302
    page = text_of(client.get(f"/cases/{case.case_id}"))
    with session_factory() as session:
        children = session.scalars(select(Case).where(Case.parent_case_id == case.case_id)).all()
    if waits:
        assert len(children) == 1 and children[0].process_key == "case_response"
        assert f"Respon kasus #{children[0].id} telah dimulai" in page
    else:
        assert children == [] and "tidak dapat menerima laporan krisis" in page


def test_a_coordination_is_recorded_from_the_case_page_at_any_stage_and_keeps_the_stage(
        client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    pages.login("peksos")
    assert "Catat koordinasi" in text_of(client.get(f"/cases/{case.case_id}"))
    response = pages.post(f"/cases/{case.case_id}/koordinasi", token_from=f"/cases/{case.case_id}")
    task = case.task("Koordinasi dengan lembaga lain")
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task.id}"
    assert (task.stage, case.case().stage) == ("asesmen", "asesmen")  # skrining is open: the case stays there
    case.complete("Koordinasi dengan lembaga lain", lembaga="Dinas Sosial Kabupaten")
    assert case.open_names() == ["Skrining ASSIST"]
    closed = CaseDriver(runtime, staff, runtime.start_case("case_response", registration(), staff.actor("peksos")))
    assert "Catat koordinasi" not in text_of(client.get(f"/cases/{closed.case_id}"))  # a case response has none
    refused = pages.post(f"/cases/{closed.case_id}/koordinasi", token_from=f"/cases/{closed.case_id}")
    assert refused.status_code == 302 and "tidak dapat mencatat koordinasi" in text_of(
        client.get(refused.headers["Location"]))


def test_the_language_is_remembered_in_the_session(client, staff, pages):
    pages.login("peksos")
    response = pages.post("/language", {"lang": "en", "next": "/cases"}, token_from="/inbox")
    assert response.headers["Location"] == "/cases"
    page = text_of(client.get("/inbox"))
    assert 'lang="en"' in page and "My tasks" in page and "Tugas Saya" not in page
    pages.post("/logout", token_from="/inbox")
    assert 'lang="en"' in text_of(client.get("/login"))  # kept after signing out


def test_a_supervisor_retries_an_incident_from_the_case_page(client, staff, deployed, pages, runtime,
                                                             session_factory):
    case = start(runtime, staff)
    with session_factory() as session:
        incident = Incident(case_id=case.case_id, task_id="", element_id="Task_identifikasi", message="skrip gagal")
        session.add(incident)
        session.commit()
        incident_id = incident.id
    pages.login("peksos")
    assert "skrip gagal" in text_of(client.get(f"/cases/{case.case_id}"))
    assert f"/incidents/{incident_id}/retry" not in text_of(client.get(f"/cases/{case.case_id}"))
    assert pages.post(f"/incidents/{incident_id}/retry", token_from="/inbox").status_code == 403
    pages.post("/logout", token_from="/inbox")
    pages.login("supervisor")
    assert f"/incidents/{incident_id}/retry" in text_of(client.get(f"/cases/{case.case_id}"))
    response = pages.post(f"/incidents/{incident_id}/retry", token_from="/inbox")
    assert response.headers["Location"] == f"/cases/{case.case_id}#incidents"
    with session_factory() as session:
        assert session.get(Incident, incident_id).status == "resolved"


def test_the_history_shows_what_a_completed_task_recorded(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi", persetujuan_layanan=True, kondisi_awal="Stabil, kooperatif")
    pages.login("peksos")
    page = text_of(client.get(f"/cases/{case.case_id}"))
    # the form's titles, not the keys (persetujuan_layanan, kondisi_awal)
    assert "PM menyetujui layanan (informed consent): Ya" in page and "Kondisi awal PM: Stabil, kooperatif" in page


def test_an_unexpected_error_on_a_page_is_an_html_page(app, client, staff, pages, monkeypatch):
    pages.login("peksos")
    queries = app.extensions["atensi"].queries
    monkeypatch.setattr(queries, "inbox", lambda *args, **kwargs: 1 / 0)
    response = client.get("/inbox")
    assert response.status_code == 500 and "text/html" in response.content_type
    assert "Terjadi kesalahan" in text_of(response)


def test_a_name_search_with_more_matches_than_it_counts_says_more_than_and_exports_every_row(
        client, staff, deployed, pages, runtime):
    from engine.read.reading import COUNT_CAP
    from engine.storage.models import ProcessVersion

    with runtime.session_factory() as session:
        version_id = session.scalars(select(ProcessVersion.id).where(ProcessVersion.process_key == "atensi_intake")
                                     ).first()
        session.execute(insert(Case), [
            {"process_version_id": version_id, "process_key": "atensi_intake", "unit_id": staff.unit_id,
             "pm_name": f"Siti Rahayu {n}", "pm_nik": f"{3171000000000000 + n}", "state": {},
             "serializer_version": "", "status": "completed"} for n in range(COUNT_CAP + 5)])
        session.commit()
    pages.login("supervisor")
    assert "Lebih dari 1.000 kasus" in text_of(client.get("/cases?q=siti"))
    exported = client.get("/cases/export.csv?q=siti").get_data(as_text=True)
    assert exported.count("Siti Rahayu") == COUNT_CAP + 5


def test_the_termination_proposal_button_shows_for_the_pekerja_sosial_and_not_for_the_konselor(
        client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    pages.login("konselor")
    page = text_of(client.get(f"/cases/{case.case_id}"))
    assert 'href="#krisis"' in page and 'href="#aksi-usulan_terminasi"' not in page
    refused = pages.post(f"/cases/{case.case_id}/aksi/usulan_terminasi", {"alasan_terminasi": "selesai",
                         "keterangan": "x"}, token_from=f"/cases/{case.case_id}")
    assert refused.status_code == 302 and "Persetujuan usulan terminasi" not in case.open_names()
    client.post("/logout", data={"csrf_token": pages.token(f"/cases/{case.case_id}")})
    pages.login("peksos")
    assert 'href="#aksi-usulan_terminasi"' in text_of(client.get(f"/cases/{case.case_id}"))
