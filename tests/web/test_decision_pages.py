"""Decisions with the facts on the page: the supervisor sees the plan on the approval task, cannot
return it without a note, and the social worker's revision opens with that note as a banner.
Headless Chromium against a real server (desktop and phone screenshots in test-artifacts/web/)."""
from __future__ import annotations

import pytest

from tests.web.conftest import screenshot
from tests.web.test_browser import field, sign_in, sign_out, start_case

pytestmark = pytest.mark.browser

KEGIATAN = ("Terapi psikososial mingguan di balai; konseling keluarga dua kali sebulan; "
            "pelatihan vokasional menjahit mulai bulan kedua. ") * 4  # longer than any cut


def test_plan_approval_shows_the_plan_refuses_a_return_without_a_note_and_the_revision_opens_with_it(
        browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="stimulan_amfetamin", skor_stimulan_amfetamin=30)
    case.complete("Asesmen lanjut", setting="rawat_inap", catatan_asesmen="Pemakaian sabu harian, dukungan ibu kuat.")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi", "dukungan_keluarga"],
                  tujuan="PM pulih dan kembali bersekolah.", rencana_kegiatan=KEGIATAN.strip())
    page = browser_page
    sign_in(page, "supervisor")
    page.locator("#queue").get_by_role("link", name="Persetujuan rencana intervensi").click()
    facts = page.locator("#task-shown")
    assert "Yang diputuskan di tugas ini" in facts.inner_text()
    assert KEGIATAN.strip() in facts.inner_text()  # in full, no "…"
    assert "PM pulih dan kembali bersekolah." in facts.inner_text()
    assert "Pemakaian sabu harian" in facts.inner_text()
    screenshot(page, "task-plan-approval")

    field(page, "rencana_disetujui").get_by_label("Tidak").check()
    page.get_by_role("button", name="Selesaikan tugas").click()
    assert "Wajib diisi." in field(page, "catatan_supervisor").locator(".field-error").inner_text()
    assert case.open_names() == ["Persetujuan rencana intervensi"]
    screenshot(page, "task-plan-return-without-note")

    page.fill("#f-catatan_supervisor", "Tambahkan jadwal konseling keluarga dan siapa pelaksananya.")
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url("**/inbox")
    assert case.open_names() == ["Susun rencana intervensi"]
    sign_out(page)

    sign_in(page, "peksos")
    page.locator("#queue").get_by_role("link", name="Susun rencana intervensi").click()
    banner = page.locator("#task-banner")
    assert "Catatan supervisor" in banner.inner_text()
    assert "Tambahkan jadwal konseling keluarga dan siapa pelaksananya." in banner.inner_text()
    banner_top = banner.bounding_box()["y"]
    assert banner_top < page.locator("#task-form").bounding_box()["y"]
    assert page.locator(".readonly-value").count() == 0  # not repeated as a grey box under the fields
    screenshot(page, "task-plan-revision-banner")
