"""A new emergency referral registered from the pages (issue 13): the PM without NIK or date of birth,
the urgent triage first in the inbox, the supervisors' alert at once, the report on the triage task."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.alerts.overdue import raise_due_alerts
from engine.config import Settings
from engine.storage.models import Case
from tests.case_driver import CaseDriver, registration
from tests.web.conftest import screenshot
from tests.web.test_browser import sign_in, sign_out

pytestmark = pytest.mark.browser

REPORT = "Keluarga melapor PM overdosis di rumah, sekarang di IGD RSUD Bekasi."


def test_a_social_worker_registers_an_emergency_referral_and_triages_it(
        browser_page, staff, deployed, runtime, session_factory, database_url):
    CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    page = browser_page
    sign_in(page, "peksos")
    page.get_by_role("link", name="Kasus", exact=True).click()
    page.get_by_role("link", name="+ Rujukan darurat baru").click()
    page.fill("#nama", "Tono")
    page.fill("#nik", "123")  # what is given must be right
    page.get_by_role("button", name="Daftarkan dan mulai respon kasus").click()
    assert page.locator("#uraian-error").count() == 1 and page.locator("#nik-error").count() == 1
    screenshot(page, "emergency-new-errors")

    page.fill("#nik", "")
    page.fill("#uraian", REPORT)
    page.get_by_role("button", name="Daftarkan dan mulai respon kasus").click()
    page.wait_for_url("**/cases/*")
    assert "Tono" in page.locator("h1").inner_text()
    with session_factory() as session:
        case = session.scalars(select(Case).where(Case.process_key == "case_response")).one()
        assert (case.pm_nik, case.pm_birth_date, case.kategori_usia) == (None, None, None)

    raise_due_alerts(session_factory, Settings(database_url=database_url))
    page.goto("/inbox")
    first = page.locator("#my-tasks .task-row").first  # the worker who registers takes the triage
    assert "Kedaruratan (triase)" in first.inner_text() and "Mendesak" in first.inner_text()
    screenshot(page, "inbox-urgent")
    sign_out(page)

    sign_in(page, "supervisor")
    alert = page.locator("#alerts li")
    assert "Mendesak" in alert.first.inner_text() and f"kasus #{case.id}" in alert.first.inner_text()
    sign_out(page)

    sign_in(page, "peksos")
    page.locator("#my-tasks .task-row").first.get_by_role("link", name="Kedaruratan (triase)").click()
    assert REPORT in page.locator("#task-shown").inner_text()
    assert "Mendesak" in page.locator("h1").inner_text()
    screenshot(page, "triage-with-report")
