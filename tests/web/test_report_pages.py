"""The monthly laporan kegiatan page: every breakdown as a chart and a table, in Indonesian by default,
the exports, a bad month refused naming the field, who may read it; every state's cases counted."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from engine import clock as engine_clock
from engine.people import accounts
from engine.storage.models import Unit
from tests.case_driver import registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS
from tests.web.test_every_state_pages import text_of

pytestmark = pytest.mark.database
SECTIONS = ("setting", "component", "termination", "kategori_usia", "sex", "age_band", "referral_source")


def month() -> str:
    return engine_clock.now().strftime("%Y-%m")


@pytest.fixture
def registered(runtime, staff, deployed):
    return runtime.start_case("atensi_intake", registration(nama="Rina Laporan"), staff.actor("peksos"))


def test_the_report_page_shows_every_breakdown_as_a_chart_and_a_table_in_indonesian(client, pages, registered):
    pages.login("supervisor")
    page = client.get(f"/reports/monthly?month={month()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for section in SECTIONS:
        assert f'id="chart-{section}"' in html and f'id="table-{section}"' in html, section
    text = text_of(page)
    assert "Laporan kegiatan bulanan" in text and "Cetak" in text
    for official in ("Dukungan pemenuhan hidup layak", "Pelatihan vokasional dan pembinaan kewirausahaan",
                     "Bantuan sosial dan asistensi sosial", "Dukungan aksesibilitas"):
        assert official in text  # the seven components by their full names, zeros too
    assert "Rawat inap" in text and "Berbasis keluarga" in text and "Laki-laki" in text and "Putus layanan" in text
    assert "PM dilayani" in text


def test_the_report_exports_csv_and_xlsx_as_downloads_with_the_page_s_labels_in_its_language(
        client, pages, registered):
    pages.login("supervisor")
    as_csv = client.get(f"/reports/monthly.csv?month={month()}")
    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert table[0] == ["Bagian", "Butir", "Jumlah"]
    assert ["Ringkasan", "kasus baru", "1"] in table and ["Menurut jenis kelamin", "Laki-laki", "1"] in table
    assert not [row for row in table if row[0].startswith("by_") or row[1] in ("L", "new_cases")]  # no machine keys
    as_xlsx = client.get(f"/reports/monthly.xlsx?month={month()}")
    assert as_xlsx.status_code == 200 and as_xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(as_xlsx.data)).active.iter_rows(values_only=True))
    assert ("Ringkasan", "kasus baru", 1) in rows and ("Menurut jenis kelamin", "Laki-laki", 1) in rows
    pages.post("/language", {"lang": "en", "next": "/reports/monthly"}, token_from="/inbox")
    rows = list(load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?month={month()}").data))
                .active.iter_rows(values_only=True))
    assert rows[0] == ("Section", "Item", "Number")
    assert ("Summary", "new cases", 1) in rows and ("By sex", "Male", 1) in rows


def test_a_bad_month_is_refused_naming_the_field_and_workers_may_not_read_it(client, pages, registered):
    pages.login("supervisor")
    for bad in ("2026-13", "kemarin", "1999-01"):
        page = client.get(f"/reports/monthly?month={bad}")
        assert page.status_code == 422, bad
        assert "month" in page.get_data(as_text=True).lower() or "bulan" in text_of(page).lower()
    pages.login("peksos")
    assert client.get(f"/reports/monthly?month={month()}").status_code == 403
    assert client.get(f"/reports/monthly.csv?month={month()}").status_code == 403


def test_a_regional_coordinator_chooses_a_unit_of_its_region_and_no_other(client, pages, staff, session_factory,
                                                                          runtime, deployed):
    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                             passwords=QUICK_PASSWORDS)
        outside = accounts.create_unit(session, "LKS-09", "LKS Luar Wilayah", "lks").id
        session.commit()
    runtime.start_case("atensi_intake", registration(), staff.actor("asing"), staff.other_unit_id)
    pages.login("korwil")
    page = client.get(f"/reports/monthly?month={month()}&unit={staff.other_unit_id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "LKS Lain" in text and 'id="r-unit"' in page.get_data(as_text=True)
    assert client.get(f"/reports/monthly.csv?month={month()}&unit={staff.other_unit_id}").status_code == 200
    assert client.get(f"/reports/monthly?month={month()}&unit={outside}").status_code == 403
    assert "Laporan" in text_of(client.get("/dashboard"))  # the nav leads there
    # it reads; it registers no case (no button, and the pages refuse it)
    assert "Registrasi kasus baru" not in text_of(client.get("/cases"))
    assert client.get("/cases/new").status_code == 403 and client.get("/cases/emergency").status_code == 403


def test_every_states_cases_are_counted_without_an_error(client, pages, every_state):
    pages.login("supervisor")
    page = client.get(f"/reports/monthly?month={month()}")
    assert page.status_code == 200
    assert client.get(f"/reports/monthly.xlsx?month={month()}").status_code == 200
