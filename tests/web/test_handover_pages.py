"""Transfers and referrals on the pages: asked from the case page, answered from the receiving unit's
inbox; the sending unit then reads the history until the transfer. And in headless Chromium:
transfer a case and accept it as the other unit's supervisor."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.config import Settings
from engine.people import accounts
from tests.case_driver import registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS
from tests.web.conftest import screenshot
from tests.web.test_every_state_pages import text_of
from workers.scheduler import DueWork


@pytest.fixture
def their_supervisor(staff, session_factory):
    with session_factory() as session:
        accounts.create_user(session, "asing_sup", PASSWORD, ["supervisor"], staff.other_unit_id,
                             passwords=QUICK_PASSWORDS)
        session.commit()
    return "asing_sup"


@pytest.fixture
def case_id(runtime, staff, deployed):
    return runtime.start_case("atensi_intake", registration(nama="Sari Pindah"), staff.actor("peksos"))


def test_a_transfer_asked_on_the_case_page_is_answered_from_the_other_unit_s_inbox(
        case_id, client, pages, staff, their_supervisor):
    pages.login("peksos")
    refused = pages.post(f"/cases/{case_id}/transfer", {"to_unit_id": "", "reason": "x"},
                         token_from=f"/cases/{case_id}")
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    asked = pages.post(f"/cases/{case_id}/transfer", {
        "to_unit_id": str(staff.other_unit_id), "reason": "PM pindah ke Bandung", "consent_given_by": "Sari Pindah",
        "consent_given_on": "2026-01-02"}, token_from=f"/cases/{case_id}")
    assert asked.status_code == 302
    assert "Menunggu jawaban" in text_of(client.get(f"/cases/{case_id}"))
    pages.login(their_supervisor)
    inbox = text_of(client.get("/inbox"))
    assert "Permintaan dari unit lain" in inbox and "Sari Pindah" in inbox and "PM pindah ke Bandung" in inbox
    handover_id = client.get("/handovers").get_data(as_text=True).split('data-handover-id="')[1].split('"')[0]
    no_note = pages.post(f"/handovers/{handover_id}/answer", {"answer": "rejected"},
                         token_from=f"/handovers/{handover_id}")
    assert no_note.status_code == 422 and 'id="note-error"' in no_note.get_data(as_text=True)
    accepted = pages.post(f"/handovers/{handover_id}/answer", {"answer": "accepted"},
                          token_from=f"/handovers/{handover_id}", follow_redirects=True)
    assert "Diterima" in text_of(accepted)
    assert "Sari Pindah" in text_of(client.get(f"/cases/{case_id}"))
    pages.login("peksos")
    before = client.get(f"/cases/{case_id}")
    assert before.status_code == 200 and "telah dipindahkan" in text_of(before)
    assert "Pindah kasus diterima" in text_of(before)


def test_a_handover_alert_says_how_late_the_answer_is_now_not_when_it_was_raised(
        case_id, client, pages, staff, their_supervisor, session_factory, database_url, clock):
    pages.login("peksos")
    pages.post(f"/cases/{case_id}/transfer", {
        "to_unit_id": str(staff.other_unit_id), "reason": "PM pindah", "consent_given_by": "Sari Pindah",
        "consent_given_on": "2026-01-02"}, token_from=f"/cases/{case_id}")
    settings = Settings(database_url=database_url)
    clock.shift(timedelta(hours=settings.handover_due_hours, minutes=10))
    DueWork(session_factory, settings, senders={}).run_pass()  # raised 10 minutes late
    clock.shift(timedelta(days=2))
    pages.login(their_supervisor)
    alert = text_of(client.get("/inbox")).split("Belum dijawab", 1)[1][:400]
    assert "terlambat 2 hari" in alert and "10 menit" not in alert and "Batas waktu:" not in alert
    pages.login("peksos")
    page = text_of(client.get(f"/cases/{case_id}"))  # the case's page says it the same way
    assert "terlambat 2 hari" in page and "terlambat 10 menit" not in page


def test_a_refused_request_reopens_its_own_form_with_the_errors_beside_its_fields(case_id, pages):
    pages.login("peksos")
    transfer = pages.post(f"/cases/{case_id}/transfer", {
        "to_unit_id": "", "reason": "PM pindah", "consent_given_by": "Sari Pindah",
        "consent_given_on": "2026-01-02"}, token_from=f"/cases/{case_id}").get_data(as_text=True)
    referral = pages.post(f"/cases/{case_id}/referral", {"service": "", "reason": ""},
                          token_from=f"/cases/{case_id}").get_data(as_text=True)
    for page, refused, other in ((transfer, "transfer-form", "referral-form"),
                                 (referral, "referral-form", "transfer-form")):
        own, theirs = _details_of(page, refused), _details_of(page, other)
        assert own.startswith("<details open>") and "field-error" in own
        assert theirs.startswith("<details>") and "field-error" not in theirs


def _details_of(page: str, form_id: str) -> str:
    """The <details> block that holds the form with this id."""
    start = page.rfind("<details", 0, page.index(f'id="{form_id}"'))
    return page[start:page.index("</details>", start)]


def test_a_referral_shows_the_other_unit_only_the_minimum(case_id, client, pages, staff):
    pages.login("peksos")
    sent = pages.post(f"/cases/{case_id}/referral", {"service": "shelter", "to_unit_id": str(staff.other_unit_id),
                                                     "reason": "Tidak ada tempat tinggal"},
                      token_from=f"/cases/{case_id}")
    assert sent.status_code == 302
    pages.login("asing")
    listing = client.get("/handovers").get_data(as_text=True)
    handover_id = listing.split('data-handover-id="')[1].split('"')[0]
    page = client.get(f"/handovers/{handover_id}")
    assert "Sari Pindah" in text_of(page) and "Rumah singgah" in text_of(page)
    assert client.get(f"/cases/{case_id}").status_code == 403
    done = pages.post(f"/handovers/{handover_id}/answer", {"answer": "done", "note": "Sudah di shelter"},
                      token_from=f"/handovers/{handover_id}")
    assert done.status_code == 302
    pages.login("peksos")
    assert "Rujukan dijawab" in text_of(client.get(f"/cases/{case_id}"))


@pytest.mark.browser
def test_transfer_a_case_and_accept_it_as_the_other_unit_s_supervisor(
        browser_page, case_id, staff, their_supervisor):
    from tests.web.test_browser import sign_in, sign_out

    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{case_id}")
    screenshot(page, "transfer-case-page")  # reloads the page: before the form is opened
    page.locator("#handovers summary", has_text="Pindahkan kasus ke unit lain").click()
    page.select_option("#t-unit", str(staff.other_unit_id))
    page.fill("#t-reason", "PM pindah domisili ke wilayah LKS Lain")
    page.fill("#t-date", "2026-01-02")
    page.locator("#transfer-form").get_by_role("button", name="Usulkan pindah").click()
    assert "Usul pindah dikirim" in page.locator(".flash-success").inner_text()
    sign_out(page)
    sign_in(page, their_supervisor)
    screenshot(page, "transfer-inbox")
    requests = page.locator("#requests")
    assert "Sari Pindah" in requests.inner_text()
    requests.get_by_role("link", name="Jawab").first.click()
    page.locator("#answer-form").get_by_role("button", name="Kirim jawaban").click()
    assert "Diterima" in page.locator("#handover-status").inner_text()
    screenshot(page, "transfer-accepted")
    page.goto(f"/cases/{case_id}")
    assert "Sari Pindah" in page.locator("main").inner_text()


def test_a_regional_coordinator_reads_the_dashboard_of_a_unit_of_its_region(
        client, pages, staff, session_factory, deployed, runtime):
    from engine.storage.models import Unit

    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                             passwords=QUICK_PASSWORDS)
        session.commit()
    their_case = runtime.start_case("atensi_intake", registration(nama="Tono Lain"), staff.actor("asing"))
    pages.login("korwil")
    own = client.get("/dashboard")
    assert own.status_code == 200 and "Unit di wilayah" in text_of(own)
    theirs = client.get(f"/dashboard?unit={staff.other_unit_id}")
    assert theirs.status_code == 200 and "1 kasus aktif" in text_of(theirs)
    assert "Tono Lain" not in text_of(theirs)  # counts, not the other unit's PM
    assert client.get(f"/cases/{their_case}").status_code == 403  # reads dashboards, not their cases
