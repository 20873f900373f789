"""UU PDP in headless Chromium: withdrawing consent takes the case out of the inbox; an admin
produces a subject-access report and downloads it as JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.conftest import screenshot
from tests.web.test_browser import sign_in, sign_out, start_case

pytestmark = pytest.mark.browser
NIK = "3171011501900001"


def test_withdrawing_consent_takes_the_case_out_of_the_inbox(browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff, nama="Budi Santoso", nik=NIK)
    page = browser_page
    sign_in(page, "peksos")
    assert "Budi Santoso" in page.locator("#queue").inner_text()
    page.goto(f"/cases/{case.case_id}")
    screenshot(page, "consent")  # reloads the page: before the form is opened
    page.locator("#consent summary", has_text="Tarik persetujuan").click()
    page.fill("#w-reason", "PM menarik persetujuan secara lisan")
    page.locator("#withdraw-form").get_by_role("button", name="Tarik persetujuan").click()
    page.wait_for_url("**/inbox")
    assert "ditangguhkan" in page.locator(".flash-success").inner_text()
    assert "Budi Santoso" not in page.locator("main").inner_text()
    sign_out(page)
    sign_in(page, "supervisor")
    page.goto(f"/cases/{case.case_id}")
    assert page.locator("#consent-suspended").is_visible()
    assert "Ditangguhkan" in page.locator(".page-head").inner_text()


def test_an_admin_produces_a_subject_access_report(browser_page, staff, deployed, runtime):
    start_case(runtime, staff, nama="Budi Santoso", nik=NIK)
    page = browser_page
    sign_in(page, "admin")
    page.get_by_role("link", name="Data pribadi").click()
    page.get_by_role("link", name="Akses subjek data").click()
    page.fill("#s-nik", NIK)
    page.get_by_role("button", name="Buat laporan").click()
    report = page.locator("#subject-report")
    assert f"NIK {NIK}" in report.inner_text() and "Budi Santoso" in report.inner_text()
    screenshot(page, "subject-access")
    with page.expect_download() as download:
        page.locator("#subject-json").click()
    held = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert held["nik"] == NIK and held["cases"][0]["pm_name"] == "Budi Santoso"
