"""The pages in headless Chromium against a real server on loopback, as the case managers use them.

Each test reaches its starting point through the engine (as earlier work would have), then does the
part under test in the browser, and leaves desktop and phone screenshots in test-artifacts/web/.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engine.alerts.overdue import raise_due_alerts
from engine.config import Settings
from engine.storage.models import Alert, Case
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD
from tests.web.conftest import ARTIFACTS, DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/inbox")


def sign_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/login")


def start_case(runtime, staff, **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor("peksos")))


def field(page, name: str):
    return page.locator(f'[data-field="{name}"]')


def test_a_social_worker_signs_in_and_registers_a_case(browser_page, staff, deployed, session_factory):
    page = browser_page
    page.goto("/inbox")
    page.wait_for_url("**/login?next=/inbox")
    screenshot(page, "login")
    sign_in(page, "peksos")
    page.get_by_role("link", name="Kasus", exact=True).click()
    page.get_by_role("link", name="+ Registrasi kasus baru").click()
    page.fill("#nama", "Siti Aminah")
    page.fill("#nik", "317101550108")  # too short
    page.fill("#tanggal_lahir", "2010-08-15")
    page.select_option("#jenis_kelamin", "P")
    page.select_option("#sumber_rujukan", "bnn")
    page.fill("#kontak_keluarga", "Ibu Rahma, 0812 3456 7890")
    page.fill("#alamat", "Jl. Kenanga 12, Bekasi")
    page.get_by_role("button", name="Daftarkan dan mulai layanan ATENSI").click()
    assert "NIK harus tepat 16 digit angka." in page.locator("#nik-error").inner_text()
    screenshot(page, "case-new-errors")

    page.fill("#nik", "3171015501080002")
    page.get_by_role("button", name="Daftarkan dan mulai layanan ATENSI").click()
    page.wait_for_url("**/cases/*")
    assert "Siti Aminah" in page.locator("h1").inner_text()
    assert "terdaftar" in page.locator(".flash-success").inner_text()
    assert "Anak" in page.locator(".page-head").inner_text()  # born 2010: a child
    assert "Identifikasi & orientasi" in page.locator("#open-tasks").inner_text()
    with session_factory() as session:
        case = session.scalars(select(Case)).one()
        assert (case.pm_nik, case.kategori_usia, case.profile["sumber_rujukan"]) == ("3171015501080002", "anak", "bnn")


def test_the_counsellor_claims_screening_sees_a_validation_error_and_completes_it(
        browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff)
    case.complete("Identifikasi & orientasi")
    page = browser_page
    sign_in(page, "konselor")
    queue = page.locator("#queue")
    assert "Skrining ASSIST" in queue.inner_text() and "Budi Santoso" in queue.inner_text()
    assert "jatuh tempo dalam 3 hari" in queue.inner_text()
    screenshot(page, "inbox-queue")
    queue.get_by_role("button", name="Ambil").click()  # claiming opens the task
    page.wait_for_url("**/tasks/*")
    assert "Skrining ASSIST" in page.locator("h1").inner_text()

    page.fill("#f-skor_stimulan_amfetamin", "50")  # the form allows 0 to 39
    page.get_by_role("button", name="Selesaikan tugas").click()
    assert "Isi 39 atau kurang." in field(page, "skor_stimulan_amfetamin").locator(".field-error").inner_text()
    assert "Wajib diisi." in field(page, "zat_utama").locator(".field-error").inner_text()
    assert page.locator("#f-skor_stimulan_amfetamin").get_attribute("aria-invalid") == "true"
    screenshot(page, "task-errors")

    page.fill("#f-skor_stimulan_amfetamin", "15")
    page.select_option("#f-zat_utama", "stimulan_amfetamin")
    page.fill("#f-catatan_skrining", "Penggunaan sabu 2 tahun terakhir.")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url("**/inbox")
    assert "Tugas selesai: Skrining ASSIST" in page.locator(".flash-success").inner_text()
    assert case.case().risk_level == "sedang"
    assert case.open_names() == ["Asesmen lanjut"]


def test_the_plan_is_submitted_and_the_supervisor_approves_it(browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    case.complete("Asesmen lanjut", setting="rawat_inap")
    case.complete("Rujukan rehabilitasi medis")
    page = browser_page
    sign_in(page, "peksos")
    page.locator("#queue").get_by_role("link", name="Susun rencana intervensi").click()
    plan = field(page, "komponen_atensi")
    assert plan.locator("input[type=checkbox]").count() == 7
    plan.get_by_label("Terapi").check()
    plan.get_by_label("Dukungan keluarga").check()
    page.fill("#f-tujuan", "PM pulih dan kembali bersekolah.")
    page.fill("#f-rencana_kegiatan", "Terapi psikososial mingguan; konseling keluarga dua kali sebulan.")
    screenshot(page, "task-plan")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url("**/inbox")
    sign_out(page)

    sign_in(page, "supervisor")
    page.locator("#queue").get_by_role("link", name="Persetujuan rencana intervensi").click()
    approval = field(page, "rencana_disetujui")
    assert approval.locator(".required-mark").count() == 1
    approval.get_by_label("Ya").check()
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url("**/inbox")
    assert case.case().stage == "intervensi"
    assert case.open_names() == ["Pelaksanaan intervensi"]

    page.goto(f"/cases/{case.case_id}")
    page.wait_for_selector("#diagram[data-ready=true]")
    assert page.locator("#diagram .djs-element.atensi-done").count() >= 5
    assert page.locator('#diagram [data-element-id="Task_pelaksanaan_intervensi"].atensi-active').count() == 1
    assert page.locator('#diagram [data-element-id="Task_persetujuan_rencana"].atensi-done').count() == 1
    assert "Tugas diselesaikan" in page.locator("#history").inner_text()
    screenshot(page, "case")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.reload()
        page.wait_for_selector("#diagram[data-ready=true]")
        name = "desktop" if viewport == DESKTOP else "phone"
        section = page.locator("section[aria-labelledby=h-diagram]")
        section.screenshot(path=str(ARTIFACTS / f"case-diagram-{name}.png"))
        assert float(page.get_attribute("#diagram", "data-zoom")) >= 0.6  # labels read at this size
        assert_inside_the_diagram(page, '#diagram [data-element-id="Task_pelaksanaan_intervensi"]')
        section = page.locator("section[aria-labelledby=h-diagram]")
        section.screenshot(path=str(ARTIFACTS / f"case-diagram-{name}.png"))
        page.get_by_role("button", name="Seluruh diagram").click()
        assert_inside_the_diagram(page, "#diagram .djs-element")  # nothing cut off, labels included
        page.locator("#diagram").screenshot(path=str(ARTIFACTS / f"case-diagram-whole-{name}.png"))


def assert_inside_the_diagram(page, selector: str) -> None:
    """Every element (shape and label) matching the selector is drawn inside the diagram's box."""
    box = page.locator("#diagram").bounding_box()
    outside = page.eval_on_selector_all(selector, """(nodes, box) => nodes.map(node => {
        const r = node.getBoundingClientRect();
        return r.width && (r.left < box.x - 1 || r.top < box.y - 1 || r.right > box.x + box.width + 1
            || r.bottom > box.y + box.height + 1) ? node.getAttribute('data-element-id') : null;
      }).filter(Boolean)""", box)
    assert not outside, outside


def test_an_overdue_task_shows_its_mark_and_its_alert(browser_page, staff, deployed, runtime, session_factory,
                                                       database_url):
    with time_machine.travel(datetime.now(UTC) - timedelta(days=4, hours=2), tick=True):
        late = start_case(runtime, staff, nama="Andi Wijaya", nik="3171010101900003")
    start_case(runtime, staff, nama="Rina Kartika", nik="3171014101950004")  # due in 3 days
    raise_due_alerts(session_factory, Settings(database_url=database_url))
    with session_factory() as session:
        assert session.scalars(select(Alert.kind)).all() == ["overdue"]
    page = browser_page
    sign_in(page, "peksos")
    rows = page.locator("#queue .task-row")
    assert rows.count() == 2
    overdue = page.locator("#queue .task-row.is-overdue")
    assert overdue.count() == 1
    assert "Andi Wijaya" in overdue.inner_text() and "terlambat 1 hari" in overdue.inner_text()
    assert "Terlambat" in overdue.locator(".badge-overdue").inner_text()
    alert = page.locator("#alerts li")
    assert "Tugas terlambat" in alert.inner_text() and f"kasus #{late.case_id}" in alert.inner_text()
    assert page.locator(".mainnav .count").inner_text() == "2"  # the tasks the page lists, not the alerts
    screenshot(page, "inbox-overdue")

    page.locator("#alerts").get_by_role("button", name="Tandai dibaca").click()
    assert "Peringatan ditandai dibaca." in page.locator(".flash-success").inner_text()
    assert page.locator("#alerts li").count() == 0
    page.goto("/inbox?overdue=1")
    assert page.locator("#queue .task-row").count() == 1


def test_the_dashboard_heat_map_shows_counts(browser_page, staff, deployed, runtime):
    for number in range(3):
        start_case(runtime, staff, nama=f"PM Identifikasi {number}", nik=f"31710101019000{10 + number}")
    screening = start_case(runtime, staff, nama="PM Skrining", nik="3171010101900020")
    screening.complete("Identifikasi & orientasi")
    page = browser_page
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Dasbor").click()
    page.wait_for_selector("#diagram[data-ready=true]")
    counts = {page.locator(".atensi-count").nth(i).inner_text() for i in range(page.locator(".atensi-count").count())}
    assert counts == {"3", "1"}
    assert page.locator('#chart-stage li[data-key="identifikasi"]').get_attribute("data-count") == "3"
    assert page.locator('#chart-stage li[data-key="asesmen"]').get_attribute("data-count") == "1"
    assert page.locator('#chart-risk li[data-key=""]').get_attribute("data-count") == "4"  # not assessed yet
    assert "PM Skrining" in page.locator("#deadlines").inner_text()
    assert page.locator("#heat-steps li").count() == 2
    screenshot(page, "dashboard")
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.reload()
        page.wait_for_selector("#diagram[data-ready=true]")
        badge = page.locator(".atensi-count").first.bounding_box()
        assert badge["width"] >= 18 and badge["height"] >= 18  # readable on a phone, however small the diagram
        # the first view reads: the steps with cases at a readable size, their counts in view
        assert float(page.get_attribute("#diagram", "data-zoom")) >= 0.6
        assert_inside_the_diagram(page, '#diagram [data-element-id="Task_identifikasi"]')
        heat = page.locator("section[aria-labelledby=h-heat]")
        heat.screenshot(path=str(ARTIFACTS / f"dashboard-heatmap-{name}.png"))
        page.get_by_role("button", name="Perbesar").click()
        assert float(page.get_attribute("#diagram", "data-zoom")) > 0.6
        page.get_by_role("button", name="Seluruh diagram").click()
        assert_inside_the_diagram(page, "#diagram .djs-element")


def test_the_case_list_searches_and_the_language_switches_to_english(browser_page, staff, deployed, runtime):
    start_case(runtime, staff, nama="Budi Santoso", nik="3171011501900001")
    start_case(runtime, staff, nama="Dewi Lestari", nik="3171015502910002")
    page = browser_page
    sign_in(page, "peksos")
    page.goto("/cases")
    assert page.locator("#case-table tbody tr").count() == 2
    page.fill("#f-q", "31710155")
    page.get_by_role("button", name="Cari").click()
    assert page.locator("#case-table tbody tr").count() == 1
    assert "Dewi Lestari" in page.locator("#case-table").inner_text()
    screenshot(page, "cases")

    page.get_by_role("button", name="EN").click()
    assert page.locator("h1").inner_text() == "Cases"
    assert "Dewi Lestari" in page.locator("#case-table").inner_text()  # the filter is kept
    page.goto("/inbox")
    assert "Open queue of my role" in page.locator("#queue h2").inner_text()
    assert "due in 3 days" in page.locator("#queue").inner_text()
    screenshot(page, "inbox-english")
    page.locator("#queue").get_by_role("link", name="Identifikasi & orientasi").first.click()
    assert page.get_by_role("button", name="Complete task").count() == 1
    assert "required" in field(page, "persetujuan_layanan").inner_text()
    screenshot(page, "task-english")
    page.get_by_role("button", name="ID").click()
    assert page.get_by_role("button", name="Selesaikan tugas").count() == 1
    page.goto("/dashboard")  # a supervisor's page
    assert page.locator("h1").inner_text() == "Tidak diizinkan"
    screenshot(page, "error-403")
