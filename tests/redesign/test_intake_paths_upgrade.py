"""Intake cases running on the version before the off-plan paths (issue 13) keep working when the new
one is deployed, and the dry run says they can move: every element they stand at still exists."""
from __future__ import annotations

import pathlib
from datetime import timedelta

import pytest

from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR
from engine.definitions.deployments import named_folder_bundles
from engine.people.access import SYSTEM_ACTOR
from tests.case_driver import CaseDriver, registration

pytestmark = pytest.mark.database

BEFORE = pathlib.Path(__file__).parent.parent / "data" / "atensi_intake_before_paths.bpmn"


def bundle() -> dict[str, bytes]:
    return dict(named_folder_bundles(BPMN_DIR))["atensi_intake.bpmn"]


def test_running_intakes_keep_their_version_and_can_move_to_the_one_with_the_new_paths(
        runtime, staff, session_factory, clock):
    runtime.deploy({**bundle(), "atensi_intake.bpmn": BEFORE.read_bytes()}, SYSTEM_ACTOR, note="before")
    peksos = staff.actor("peksos")

    def start(nik):
        return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik=nik), peksos))

    at_identifikasi, in_intervensi = start("3171011501900001"), start("3171011501900002")
    in_intervensi.into_intervensi(score=15, setting="rawat_jalan")
    clock.shift(timedelta(days=31, minutes=1))
    assert runtime.fire_timers(in_intervensi.case_id)
    assert in_intervensi.open_names() == ["Monitoring bulanan", "Pelaksanaan intervensi"]

    runtime.deploy(bundle(), SYSTEM_ACTOR, note="jalur di luar rencana")
    migrations = CaseMigrations(session_factory)
    report = migrations.dry_run("atensi_intake", staff.actor("supervisor"))
    assert sorted((c.case_id, c.status) for c in report.cases) == [
        (at_identifikasi.case_id, "movable"), (in_intervensi.case_id, "movable")]

    result = migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert result.count("migrated") == 2
    at_identifikasi.complete("Identifikasi & orientasi", persetujuan_layanan=False)
    assert at_identifikasi.open_names() == ["Motivasi & penjangkauan"]  # the new consent gate
    in_intervensi.complete("Monitoring bulanan", perlu_penyesuaian_rencana=True)
    assert in_intervensi.open_names() == ["Pelaksanaan intervensi", "Revisi rencana intervensi"]
