"""The case file in headless Chromium: add a note and a document on the case page, download it, and see
a refused upload said beside its field (screenshots at desktop and phone width)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.casefile import samples
from tests.web.conftest import ARTIFACTS, PHONE, screenshot
from tests.web.test_browser import sign_in, start_case

pytestmark = pytest.mark.browser


def test_a_worker_adds_a_note_and_a_document_on_the_case_page_and_downloads_it(
        browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff, nama="Budi Santoso")
    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{case.case_id}")
    page.fill("#note-text", "Kunjungan rumah: keluarga mendukung PM mengikuti rawat jalan.")
    page.locator("#note-form").get_by_role("button", name="Tambah catatan").click()
    assert "Catatan ditambahkan" in page.locator(".flash-success").inner_text()
    entry = page.locator("#history li.k-note_added").first
    assert "keluarga mendukung PM" in entry.locator(".note").inner_text()
    assert "peksos" in entry.locator(".when").inner_text()

    page.locator("#documents summary", has_text="Unggah dokumen").click()
    page.select_option("#document-kind", "foto_kunjungan_rumah")
    page.set_input_files("#document-file", files=[{"name": "rumah.png", "mimeType": "image/png",
                                                   "buffer": samples.png(40, 30)}])
    page.locator("#document-form").get_by_role("button", name="Unggah").click()
    assert "Dokumen diunggah" in page.locator(".flash-success").inner_text()
    listed = page.locator("#document-list li").first
    assert "rumah.png" in listed.inner_text() and "Foto kunjungan rumah" in listed.inner_text()
    with page.expect_download() as download:
        listed.get_by_role("link", name="rumah.png").click()
    assert download.value.suggested_filename == "rumah.png"
    assert Path(download.value.path()).read_bytes() == samples.png(40, 30)
    page.locator("#documents").scroll_into_view_if_needed()
    screenshot(page, "casefile")


def test_a_refused_upload_is_said_beside_the_file_field(browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff, nama="Budi Santoso")
    page = browser_page
    sign_in(page, "konselor")
    page.goto(f"/cases/{case.case_id}")
    page.locator("#documents summary", has_text="Unggah dokumen").click()
    page.select_option("#document-kind", "surat_rujukan")
    page.set_input_files("#document-file", files=[{"name": "rujukan.pdf", "mimeType": "application/pdf",
                                                   "buffer": samples.HTML}])
    page.locator("#document-form").get_by_role("button", name="Unggah").click()
    error = page.locator("#document-file-error")
    assert "isi berkas ini berjenis lain" in error.inner_text()
    assert page.locator("#document-file").get_attribute("aria-invalid") == "true"
    error.scroll_into_view_if_needed()
    page.set_viewport_size(PHONE)
    error.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casefile-refused-phone.png"))
