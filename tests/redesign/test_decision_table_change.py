"""A programme length changed in the decision table (as the editor's 'Tabel keputusan' tab does) is what
new cases run: no Python is edited (issue 14)."""
from __future__ import annotations

from datetime import timedelta

from engine.clock import now

FAMILY_RULE = b'<outputEntry id="OutputEntry_berbasis_keluarga_program"><text>"P3M"</text></outputEntry>'


def test_a_family_based_length_changed_in_the_table_is_what_a_new_low_risk_case_runs(
        deploy, intake_files, start_intake, clock):
    table = intake_files["periode_program.dmn"]
    assert FAMILY_RULE in table  # the product default the supervisor changes
    deploy({**intake_files, "periode_program.dmn": table.replace(FAMILY_RULE, FAMILY_RULE.replace(b"P3M", b"P6M"))},
           note="berbasis keluarga 6 bulan")
    case = start_intake()
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="alkohol", skor_alkohol=8)
    assert case.case().risk_level == "rendah"
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi", "dukungan_keluarga"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    left = case.case().next_timer_at - now()
    assert timedelta(days=180) < left < timedelta(days=186)  # six months, not the shipped three
