"""Early termination from the case page (issue 13): the pekerja sosial proposes it (the institution
is required for a referral, the error beside its field), the supervisor approves, and the case is in
terminasi with its earlier task gone from the inbox."""
from __future__ import annotations

import pytest

from tests.web.conftest import screenshot
from tests.web.test_browser import field, sign_in, sign_out, start_case

pytestmark = pytest.mark.browser


def test_a_termination_proposed_on_the_case_page_and_approved_ends_the_stage_it_was_in(
        browser_page, staff, deployed, runtime):
    case = start_case(runtime, staff)
    case.into_intervensi(score=30, setting="rawat_inap")
    page = browser_page
    sign_in(page, "peksos")
    page.goto(f"/cases/{case.case_id}")
    page.get_by_role("link", name="Usulkan terminasi").click()
    page.select_option("#f-alasan_terminasi", "dirujuk")
    page.fill("#f-keterangan", "PM dipindahkan ke rehabilitasi medis rawat inap.")
    page.locator("#aksi-usulan_terminasi").get_by_role("button", name="Usulkan terminasi").click()
    assert page.locator("#f-dirujuk_ke-error").count() == 1
    screenshot(page, "termination-proposal-refused")
    page.fill("#f-dirujuk_ke", "RSKO Jakarta")
    page.locator("#aksi-usulan_terminasi").get_by_role("button", name="Usulkan terminasi").click()
    assert "Terkirim: Usulkan terminasi" in page.locator("body").inner_text()
    sign_out(page)

    sign_in(page, "supervisor")
    page.locator("#queue").get_by_role("link", name="Persetujuan usulan terminasi").click()
    assert "RSKO Jakarta" in page.locator("#task-shown").inner_text()
    field(page, "usulan_disetujui").get_by_label("Ya").check()
    page.get_by_role("button", name="Selesaikan tugas").click()
    page.wait_for_url("**/inbox")
    sign_out(page)

    sign_in(page, "peksos")
    queue = page.locator("#queue").inner_text()
    assert "Laporan terminasi" in queue and "Pelaksanaan intervensi" not in queue
    page.goto(f"/cases/{case.case_id}")
    assert "Terminasi" in page.locator(".page-head").inner_text()
    screenshot(page, "case-in-early-terminasi")
    assert case.case().stage == "terminasi" and case.open_names() == ["Laporan terminasi"]
