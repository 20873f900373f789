"""Intake cases running on the version before the off-plan paths (issue 13) keep working when the new
one is deployed, and the dry run says they can move: every element they stand at still exists."""
from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.database


def test_running_intakes_keep_their_version_and_can_move_to_the_one_with_the_new_paths(
        runtime, upgrade, start_intake, clock):
    intake = upgrade("atensi_intake")
    intake.deploy_earlier("atensi_intake_before_paths.bpmn", note="before")
    at_identifikasi, in_intervensi = start_intake(nik="3171011501900001"), start_intake(nik="3171011501900002")
    in_intervensi.into_intervensi(score=15, setting="rawat_jalan")
    clock.shift(timedelta(days=31, minutes=1))
    assert runtime.fire_timers(in_intervensi.case_id)
    assert in_intervensi.open_names() == ["Monitoring bulanan", "Pelaksanaan intervensi"]

    intake.deploy_shipped(note="jalur di luar rencana")
    assert intake.dry_run() == [(at_identifikasi.case_id, "movable"), (in_intervensi.case_id, "movable")]

    assert intake.migrate().count("migrated") == 2
    at_identifikasi.complete("Identifikasi & orientasi", persetujuan_layanan=False)
    assert at_identifikasi.open_names() == ["Motivasi & penjangkauan"]  # the new consent gate
    in_intervensi.complete("Monitoring bulanan", perlu_penyesuaian_rencana=True)
    assert in_intervensi.open_names() == ["Pelaksanaan intervensi", "Revisi rencana intervensi"]
