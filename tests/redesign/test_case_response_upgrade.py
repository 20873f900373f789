"""Case responses running on the first (straight-line) case_response keep working when the routed
one is deployed, and the dry run says they can move: every element they can stand at still exists."""
from __future__ import annotations

import pathlib

import pytest

from engine.cases import registration as registration_rules
from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR
from engine.definitions.deployments import named_folder_bundles
from engine.people.access import SYSTEM_ACTOR
from tests.case_driver import CaseDriver

pytestmark = pytest.mark.database

V1 = pathlib.Path(__file__).parent.parent / "data" / "case_response_v1.bpmn"


def bundle() -> dict[str, bytes]:
    return dict(named_folder_bundles(BPMN_DIR))["case_response.bpmn"]


def test_running_case_responses_keep_their_version_and_can_move_to_the_routed_one(
        runtime, staff, session_factory, clock):
    runtime.deploy({**bundle(), "case_response.bpmn": V1.read_bytes()}, SYSTEM_ACTOR, note="v1")
    peksos = staff.actor("peksos")

    def referral(name):
        return CaseDriver(runtime, staff, registration_rules.refer_emergency(runtime, {"nama": name}, "krisis", peksos))

    at_triage, at_pendampingan = referral("Ani"), referral("Budi")
    at_pendampingan.complete("Kedaruratan (triase)", tingkat_kedaruratan="rendah")
    assert at_pendampingan.open_names() == ["Intervensi krisis"]  # v1 walks every service
    at_pendampingan.complete("Intervensi krisis")

    runtime.deploy(bundle(), SYSTEM_ACTOR, note="v2: rute menurut triase")
    migrations = CaseMigrations(session_factory)
    report = migrations.dry_run("case_response", staff.actor("supervisor"))
    assert sorted((c.case_id, c.status) for c in report.cases) == [
        (at_triage.case_id, "movable"), (at_pendampingan.case_id, "movable")]

    at_triage.complete("Kedaruratan (triase)", tingkat_kedaruratan="rendah")  # still v1
    assert at_triage.open_names() == ["Intervensi krisis"]

    result = migrations.migrate("case_response", staff.actor("supervisor"))
    assert result.count("migrated") == 2
    at_pendampingan.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=False)
    assert at_pendampingan.open_names() == ["Pendampingan penyelesaian kasus"]  # v2 repeats it
    at_pendampingan.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    assert at_pendampingan.open_names() == ["Rehabilitasi sosial"]
