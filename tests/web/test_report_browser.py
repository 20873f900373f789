"""The monthly laporan kegiatan in headless Chromium: the charts drawn, the CSV and XLSX downloads, the
"Cetak" button and the print layout (screenshots desktop, phone and print)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.case_driver import registration
from tests.web.conftest import ARTIFACTS, screenshot
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_monthly_report_shows_charts_exports_csv_and_xlsx_and_prints(
        browser_page, runtime, staff, deployed):
    for nik, name in (("3171011501900041", "Rina"), ("3171015501080042", "Sari")):
        runtime.start_case("atensi_intake", registration(nama=name, nik=nik), staff.actor("peksos"))
    page = browser_page
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Laporan").click()
    page.wait_for_url("**/reports/monthly")
    assert page.locator("h1").inner_text().startswith("Laporan kegiatan bulanan")
    assert page.locator("#kpi-new b").inner_text() == "2"
    filled = page.locator("#chart-kategori_usia rect.bar-fill")
    assert filled.count() == 1 and filled.first.is_visible()  # both PM are adults
    assert page.locator("#chart-component li").count() == 7  # every ATENSI component, zeros too
    screenshot(page, "report-monthly")

    with page.expect_download() as download:
        page.locator("#export-csv").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert download.value.suggested_filename.endswith(".csv") and ["Ringkasan", "kasus baru", "2"] in rows
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert download.value.suggested_filename.endswith(".xlsx")
    assert ("Ringkasan", "kasus baru", 2) in list(sheet.iter_rows(values_only=True))

    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible() and not page.locator("#report-form").is_visible()
    assert page.locator("#table-component").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-monthly-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "report-monthly.pdf"))
