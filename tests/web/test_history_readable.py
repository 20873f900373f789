"""The case page's history reads as people write: the forms' labels and enum titles, not raw keys, and a
long entry opens in full instead of being cut."""
from __future__ import annotations

import html

from tests.web.test_pages import start

LONG_NOTE = "Penggunaan sabu sejak 2023, berhenti dua kali, kambuh setelah kehilangan pekerjaan. " * 5


def test_history_shows_labels_and_readable_values_and_long_entries_in_full(client, staff, deployed, runtime, pages):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="stimulan_amfetamin", skor_stimulan_amfetamin=12,
                  catatan_skrining=LONG_NOTE.strip())
    pages.login("supervisor")
    page = html.unescape(client.get(f"/cases/{case.case_id}").get_data(as_text=True))
    assert "Zat utama: Stimulan jenis amfetamin (sabu, ekstasi)" in page
    assert "zat_utama" not in page.split('id="history"')[1]
    assert f'<div class="shown-text">{LONG_NOTE.strip()}</div></details>' in page
