"""A crisis reported from the case page during asesmen (issue 13): the urgent triage heads the inbox,
the supervisors are alerted at once, and the triage shows the report and the parent case's risk."""
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

REPORT = "PM mengamuk dan melukai diri saat sesi asesmen; keluarga meminta bantuan segera."


def test_a_crisis_reported_during_asesmen_is_urgent_alerted_and_triaged_with_its_report(
        browser_page, staff, deployed, runtime, session_factory, database_url):
    intake = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nama="Rudi Hartono"),
                                                           staff.actor("peksos")))
    intake.complete("Identifikasi & orientasi")
    intake.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    assert intake.open_names() == ["Asesmen lanjut"]
    other = CaseDriver(runtime, staff, runtime.start_case(  # an earlier-due task of the worker's
        "atensi_intake", registration(nama="Ani", nik="3171011501900077"), staff.actor("peksos")))
    assert other.open_names() == ["Identifikasi & orientasi"]

    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{intake.case_id}")
    page.get_by_role("link", name="Laporkan krisis").click()
    page.fill("#uraian", REPORT)
    page.locator("#krisis").get_by_role("button", name="Laporkan krisis").click()
    with session_factory() as session:
        response = session.scalars(select(Case).where(Case.process_key == "case_response")).one()
    assert response.parent_case_id == intake.case_id
    assert intake.case().stage == "asesmen" and intake.open_names() == ["Asesmen lanjut"]  # the case goes on

    raise_due_alerts(session_factory, Settings(database_url=database_url))
    for sort in ("due", "-due", "priority"):  # urgent on top whatever the worker sorts by
        page.goto(f"/inbox?sort={sort}")
        first = page.locator("#queue .task-row").first
        assert "Kedaruratan (triase)" in first.inner_text() and "Mendesak" in first.inner_text(), sort
    screenshot(page, "crisis-asesmen-inbox-urgent")
    sign_out(page)

    sign_in(page, "supervisor")
    alert = page.locator("#alerts li").first
    assert "Mendesak" in alert.inner_text() and f"kasus #{response.id}" in alert.inner_text()
    screenshot(page, "crisis-asesmen-supervisor-alert")
    sign_out(page)

    sign_in(page, "peksos")
    page.locator("#queue .task-row").first.get_by_role("link", name="Kedaruratan (triase)").click()
    shown = page.locator("#task-shown").inner_text()
    assert REPORT in shown and "Tinggi" in shown and "Asesmen" in shown
    assert "Mendesak" in page.locator("h1").inner_text()
    screenshot(page, "crisis-asesmen-triage")
    task_url = page.url
    if page.get_by_role("button", name="Ambil").count():
        page.get_by_role("button", name="Ambil").first.click()
        page.goto(task_url)
    page.select_option("#f-tingkat_kedaruratan", "sedang")
    page.fill("#f-kondisi_pm", "Luka ringan di lengan, sudah tenang.")
    page.fill("#f-tindakan_segera", "Dibawa ke IGD, keluarga mendampingi.")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_load_state()
    assert CaseDriver(runtime, staff, response.id).open_names() == ["Intervensi krisis"]


def test_a_coordination_is_recorded_from_the_case_page_during_intervensi(browser_page, staff, deployed, runtime):
    intake = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nama="Sinta Lestari"),
                                                           staff.actor("peksos")))
    intake.into_intervensi(score=15, setting="rawat_jalan")
    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{intake.case_id}")
    page.wait_for_selector("#diagram[data-ready=true]")
    screenshot(page, "case-koordinasi-button")
    page.get_by_role("button", name="Catat koordinasi").click()
    page.wait_for_url("**/tasks/*")
    assert "Koordinasi dengan lembaga lain" in page.locator("h1").inner_text()
    if page.get_by_role("button", name="Ambil").count():
        task_url = page.url
        page.get_by_role("button", name="Ambil").first.click()
        page.goto(task_url)
    page.fill("#f-tanggal_koordinasi", "2026-12-03")
    page.fill("#f-lembaga", "Dinas Sosial Kabupaten Bogor")
    page.fill("#f-pokok_bahasan", "Bantuan biaya sekolah paket C")
    page.fill("#f-hasil_koordinasi", "Diajukan; jawaban dalam dua minggu")
    screenshot(page, "koordinasi-task")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_load_state()
    assert intake.open_names() == ["Pelaksanaan intervensi"] and intake.case().stage == "intervensi"
