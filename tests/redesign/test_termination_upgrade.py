"""Intake cases running on the version before early termination (issue 13) keep working when it is
deployed, the dry run says which can move (every element they stand at still exists), and a moved
case can then be ended early."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.database


def test_intake_cases_of_the_previous_version_keep_working_and_can_move_to_early_termination(
        runtime, staff, upgrade, start_intake, clock):
    intake = upgrade("atensi_intake")
    intake.deploy_earlier("atensi_intake_before_terminasi.bpmn", note="sebelum terminasi dini")
    peksos = staff.actor("peksos")
    at_identifikasi, in_intervensi = start_intake(nik="3171011501900001"), start_intake(nik="3171011501900002")
    in_intervensi.into_intervensi(setting="rawat_jalan")
    runtime.send_message(in_intervensi.case_id, "krisis", {"uraian": "PM mengamuk"}, peksos)
    assert [a.message for a in runtime.actions(in_intervensi.case_id, peksos)] == ["krisis"]

    intake.deploy_shipped(note="terminasi dini")
    assert intake.dry_run() == [(at_identifikasi.case_id, "movable"), (in_intervensi.case_id, "movable")]

    at_identifikasi.complete("Identifikasi & orientasi")  # still on the previous version
    assert at_identifikasi.open_names() == ["Skrining ASSIST"]

    assert intake.migrate().count("migrated") == 2
    assert {"krisis", "usulan_terminasi"} <= {a.message for a in runtime.actions(in_intervensi.case_id, peksos)}
    runtime.send_message(in_intervensi.case_id, "usulan_terminasi",
                         {"alasan_terminasi": "menolak_layanan", "keterangan": "PM mencabut persetujuan"}, peksos)
    in_intervensi.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    assert in_intervensi.open_names() == ["Laporan terminasi"] and in_intervensi.case().next_timer_at is None
    in_intervensi.complete("Laporan terminasi", alasan_terminasi="menolak_layanan")
    assert in_intervensi.case().status == "completed"
