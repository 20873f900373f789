"""The working day in the browser: the inbox reached by keyboard and on a phone, an absent worker's
tasks handed over, two PM records merged, an emergency registration warned of a duplicate, and a
case transferred and accepted by the other unit's supervisor (screenshots desktop and phone)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases.numbers import case_number
from engine.people import accounts
from engine.storage.models import Case
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS
from tests.web.conftest import PHONE, screenshot
from tests.web.test_browser import sign_in, sign_out

pytestmark = pytest.mark.browser


def start(runtime, staff, user="peksos", **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor(user)))


def _relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_first_task_is_three_key_presses_away_and_the_focus_ring_shows_on_white(
        browser_page, staff, deployed, runtime):
    for n in (1, 2):
        start(runtime, staff, nama=f"Budi {n}", nik=f"317101150190000{n}")
    page = browser_page
    page.goto("/login")
    assert page.evaluate("document.activeElement.id") == "username"  # autofocus
    sign_in(page, "peksos")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    presses = 0
    while presses < 6 and not page.evaluate("!!document.activeElement.closest('tr.task-row')"):
        page.keyboard.press("Tab")
        presses += 1
    assert page.evaluate("!!document.activeElement.closest('tr.task-row')"), "no task row reached"
    assert presses <= 2  # the folded filters, then the first task
    page.locator("#filter-panel > summary").click()
    page.focus("#f-name")
    color = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    rgb = tuple(int(x) for x in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    contrast = (1.0 + 0.05) / (_relative_luminance(rgb) + 0.05)
    assert contrast >= 3, f"focus ring {color} has contrast {contrast:.1f}:1 on white"
    page.reload()
    screenshot(page, "inbox-working-day")
    page.set_viewport_size(PHONE)
    first_row = page.locator("tr.task-row").first.bounding_box()
    assert first_row["y"] < PHONE["height"], "the first task is not on the phone's first screen"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_supervisor_hands_an_absent_workers_tasks_to_a_colleague(browser_page, staff, deployed, runtime):
    cases = [start(runtime, staff, nama=f"Budi {n}", nik=f"317101150190000{n}") for n in (1, 2, 3)]
    for case in cases:
        runtime.claim(case.task("Identifikasi & orientasi").id, staff.actor("peksos"))
    page = browser_page
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Alihkan tugas petugas yang berhalangan").click()
    page.select_option("#a-from", "peksos")
    page.select_option("#a-to", "peksos2")
    page.get_by_role("button", name="Pratinjau").click()
    assert page.locator("#away-preview tbody tr").count() == 3
    assert set(page.locator("#away-preview .goes-to").all_inner_texts()) == {"peksos2"}
    screenshot(page, "team-away-preview")
    page.get_by_role("button", name="Alihkan tugas-tugas ini").click()
    assert "3 tugas terbuka dialihkan." in page.locator(".flash").inner_text()
    assert {case.task("Identifikasi & orientasi").assignee for case in cases} == {"peksos2"}


def test_a_supervisor_merges_two_records_of_one_person_after_seeing_what_moves(
        browser_page, staff, deployed, runtime, session_factory):
    kept = start(runtime, staff, nama="Budi Santoso", nik="3171011501900001")
    gone = start(runtime, staff, nama="Budi Santosa", nik="3171011501900009")
    page = browser_page
    sign_in(page, "supervisor")
    page.goto(f"/cases/{kept.case_id}")
    page.locator("details.merge-pm > summary").click()
    page.fill("#m-other", case_number(gone.case_id))
    page.locator("#merge-pm-form").get_by_role("button", name="Pratinjau").click()
    assert case_number(gone.case_id) in page.locator("#merge-preview").inner_text()
    screenshot(page, "pm-merge-preview")
    page.fill("#m-reason", "Terdaftar dua kali, NIK keliru")
    page.get_by_role("button", name="Gabungkan data").click()
    page.wait_for_url(f"**/cases/{kept.case_id}")
    assert case_number(gone.case_id) in page.locator(".pm-cases").inner_text()
    with session_factory() as session:
        rows = session.scalars(select(Case).where(Case.id.in_([kept.case_id, gone.case_id]))).all()
        assert len({row.pm_id for row in rows}) == 1


def test_an_emergency_registration_warns_of_a_pm_of_the_same_name_and_birth_date(
        browser_page, staff, deployed, runtime, session_factory):
    first = start(runtime, staff, nama="Siti Aminah", nik="3171015501080002", tanggal_lahir="2000-08-15")
    page = browser_page
    sign_in(page, "peksos")
    page.goto("/cases/emergency")
    page.fill("#uraian", "Dilaporkan tetangga: overdosis di rumah")
    page.fill("#nama", "Siti Aminah")
    page.fill("#tanggal_lahir", "2000-08-15")
    page.get_by_role("button", name="Daftarkan dan mulai respon kasus").click()
    warning = page.locator("#duplicate-warning")
    assert case_number(first.case_id) in warning.inner_text()
    screenshot(page, "emergency-duplicate-warning")
    warning.get_by_role("button", name="Mulai kasus baru untuk PM ini").click()
    page.wait_for_url("**/cases/*")
    with session_factory() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert len(cases) == 2 and cases[0].pm_id == cases[1].pm_id
        assert cases[1].process_key == "case_response"


def test_a_case_is_transferred_and_the_other_units_supervisor_accepts_it(
        browser_page, staff, deployed, runtime, session_factory):
    with session_factory() as session:
        accounts.create_user(session, "asing_sup", PASSWORD, ["supervisor"], staff.other_unit_id,
                             passwords=QUICK_PASSWORDS)
        session.commit()
    case = start(runtime, staff, nama="Andi Wijaya")
    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{case.case_id}")
    page.get_by_text("Pindahkan kasus ke unit lain").click()
    page.select_option("#t-unit", str(staff.other_unit_id))
    page.fill("#t-reason", "PM pindah domisili ke wilayah LKS Lain")
    page.fill("#t-date", "2026-01-05")
    page.locator("#transfer-form button[type=submit]").click()
    page.wait_for_selector("#handover-list li")
    assert page.locator("#handover-list li").count() == 1
    sign_out(page)
    sign_in(page, "asing_sup")
    request = page.locator("#requests")
    assert "Andi Wijaya" in request.inner_text()
    screenshot(page, "transfer-request-inbox")
    request.get_by_role("link").first.click()
    page.get_by_label("Diterima").check()
    page.fill("#a-note", "Diterima, PM dijadwalkan minggu ini")
    page.get_by_role("button", name="Kirim jawaban").click()
    assert "Diterima" in page.locator("#handover-status").inner_text()
    screenshot(page, "transfer-accepted")
    with session_factory() as session:
        assert session.get(Case, case.case_id).unit_id == staff.other_unit_id
