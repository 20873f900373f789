"""Registering a NIK that belongs to a PM already, in the browser: the page says who and where,
then opens the existing case or starts a new case for the same PM (screenshots desktop and phone)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases.numbers import case_number
from engine.storage.models import Case
from tests.case_driver import registration
from tests.web.conftest import screenshot
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser
NIK = "3171015501080002"


def fill_registration(page) -> None:
    page.goto("/cases/new")
    page.fill("#nama", "Siti Aminah")
    page.fill("#nik", NIK)
    page.fill("#tanggal_lahir", "2000-08-15")
    page.select_option("#jenis_kelamin", "P")
    page.select_option("#sumber_rujukan", "keluarga")
    page.get_by_role("button", name="Daftarkan dan mulai layanan ATENSI").click()


def test_a_duplicate_nik_is_shown_with_its_case_and_a_new_case_joins_the_same_pm(
        browser_page, staff, deployed, runtime, session_factory):
    first = runtime.start_case("atensi_intake", registration(nama="Siti Aminah", nik=NIK,
                                                             tanggal_lahir="2000-08-15"), staff.actor("peksos"))
    page = browser_page
    sign_in(page, "peksos")
    fill_registration(page)
    warning = page.locator("#duplicate-warning")
    assert "PM ini mungkin sudah terdaftar" in warning.inner_text()
    assert case_number(first) in warning.inner_text() and "NIK sama" in warning.inner_text()
    screenshot(page, "pm-duplicate-warning")

    warning.get_by_role("link", name=case_number(first)).click()  # open the existing case
    page.wait_for_url(f"**/cases/{first}")
    assert "Siti Aminah" in page.locator("h1").inner_text()

    fill_registration(page)
    page.get_by_role("button", name="Mulai kasus baru untuk PM ini").click()
    page.wait_for_url("**/cases/*")
    with session_factory() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert len(cases) == 2 and cases[0].pm_id == cases[1].pm_id
    assert case_number(first) in page.locator(".pm-cases").inner_text()  # the PM's other case
    screenshot(page, "pm-other-cases")
