"""Intake cases running on the version before early termination (issue 13) keep working when it is
deployed, the dry run says which can move (every element they stand at still exists), and a moved
case can then be ended early."""
from __future__ import annotations

import pathlib

import pytest

from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR
from engine.definitions.deployments import named_folder_bundles
from engine.people.access import SYSTEM_ACTOR
from tests.case_driver import CaseDriver, registration

pytestmark = pytest.mark.database

BEFORE = pathlib.Path(__file__).parent.parent / "data" / "atensi_intake_before_terminasi.bpmn"


def bundle() -> dict[str, bytes]:
    return dict(named_folder_bundles(BPMN_DIR))["atensi_intake.bpmn"]


def test_intake_cases_of_the_previous_version_keep_working_and_can_move_to_early_termination(
        runtime, staff, session_factory, clock):
    runtime.deploy({**bundle(), "atensi_intake.bpmn": BEFORE.read_bytes()}, SYSTEM_ACTOR, note="sebelum terminasi dini")
    peksos = staff.actor("peksos")

    def case(nik):
        return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik=nik), peksos))

    at_identifikasi, in_intervensi = case("3171011501900001"), case("3171011501900002")
    in_intervensi.into_intervensi(setting="rawat_jalan")
    runtime.send_message(in_intervensi.case_id, "krisis", {"uraian": "PM mengamuk"}, peksos)
    assert [a.message for a in runtime.actions(in_intervensi.case_id, peksos)] == ["krisis"]

    runtime.deploy(bundle(), SYSTEM_ACTOR, note="terminasi dini")
    migrations = CaseMigrations(session_factory)
    report = migrations.dry_run("atensi_intake", staff.actor("supervisor"))
    assert sorted((c.case_id, c.status) for c in report.cases) == [
        (at_identifikasi.case_id, "movable"), (in_intervensi.case_id, "movable")]

    at_identifikasi.complete("Identifikasi & orientasi")  # still on the previous version
    assert at_identifikasi.open_names() == ["Skrining ASSIST"]

    assert migrations.migrate("atensi_intake", staff.actor("supervisor")).count("migrated") == 2
    assert {"krisis", "usulan_terminasi"} <= {a.message for a in runtime.actions(in_intervensi.case_id, peksos)}
    runtime.send_message(in_intervensi.case_id, "usulan_terminasi",
                         {"alasan_terminasi": "menolak_layanan", "keterangan": "PM mencabut persetujuan"}, peksos)
    in_intervensi.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    assert in_intervensi.open_names() == ["Laporan terminasi"] and in_intervensi.case().next_timer_at is None
    in_intervensi.complete("Laporan terminasi", alasan_terminasi="menolak_layanan")
    assert in_intervensi.case().status == "completed"
