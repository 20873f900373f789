"""A child's identifikasi in the browser: without the guardian's identity the page refuses and says so
beside each field; with it, the case goes on to skrining (screenshots desktop and phone)."""
from __future__ import annotations

import pytest

from tests.case_driver import CaseDriver, registration
from tests.web.conftest import screenshot
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_childs_identifikasi_needs_the_guardian_beside_each_field(browser_page, staff, deployed, runtime):
    child = CaseDriver(runtime, staff, runtime.start_case(
        "atensi_intake", registration(nama="Adi Kecil", tanggal_lahir="2012-03-01"), staff.actor("peksos")))
    task = child.task("Identifikasi & orientasi")
    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/tasks/{task.id}")
    page.locator('[data-field=persetujuan_layanan] input[value=true]').check()
    page.fill("#f-kondisi_awal", "Tenang, diantar ibu")
    page.get_by_role("button", name="Selesaikan tugas").click()
    for name in ("nama_wali", "hubungan_wali", "kontak_wali"):
        field = page.locator(f".field[data-field={name}]")
        assert "has-error" in field.get_attribute("class")
        assert "Wajib diisi" in field.inner_text()
    screenshot(page, "identifikasi-anak-tanpa-wali")
    page.check("#f-persetujuan_wali")
    page.fill("#f-nama_wali", "Siti Aminah")
    page.select_option("#f-hubungan_wali", "ibu")
    page.fill("#f-kontak_wali", "0812111222")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_load_state()
    assert child.open_names() == ["Skrining ASSIST"]
