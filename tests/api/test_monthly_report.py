"""The monthly laporan kegiatan over HTTP: counts of the unit's month, the CSV and XLSX exports that
parse back, and who may read it."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from engine import clock as engine_clock
from tests.case_driver import registration

pytestmark = pytest.mark.database


def plain(row):
    """A row with numbers as numbers (the sheet keeps 0.0 as 0)."""
    def value(text):
        try:
            return float(text)
        except ValueError:
            return text
    return [value(cell) for cell in row]


@pytest.fixture
def month(runtime, staff, deployed):
    runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    return engine_clock.now().strftime("%Y-%m")


def test_the_report_counts_the_units_new_cases_and_their_people(api, month):
    report = api.as_("supervisor").get(f"/reports/monthly?month={month}")
    assert report.status_code == 200, report.json
    body = report.json
    assert body["new_cases"] == 2 and body["cases_served"] == 2 and body["closed_cases"] == 0
    assert body["pm_served"] >= 1
    assert sum(body["by_kategori_usia"].values()) == 2 and sum(body["by_age_band"].values()) == 2
    assert sum(body["by_referral_source"].values()) == 2


def test_csv_and_xlsx_exports_parse_back_to_the_same_rows(api, month):
    as_csv = api.as_("supervisor").get(f"/reports/monthly?month={month}&format=csv")
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["Content-Disposition"]
    csv_rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    as_xlsx = api.as_("supervisor").get(f"/reports/monthly?month={month}&format=xlsx")
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).active
    xlsx_rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert [plain(row) for row in csv_rows] == [plain(row) for row in xlsx_rows]
    assert ["ringkasan", "new_cases", "2"] in csv_rows


def test_only_editors_read_it_and_a_bad_month_names_the_field(api, month):
    assert api.as_("peksos").get(f"/reports/monthly?month={month}").status_code == 403
    bad = api.as_("supervisor").get("/reports/monthly?month=2026-13")
    assert bad.status_code in (400, 422) and "month" in str(bad.json)
