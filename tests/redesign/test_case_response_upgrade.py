"""Case responses running on the first (straight-line) case_response keep working when the routed
one is deployed, and the dry run says they can move: every element they can stand at still exists."""
from __future__ import annotations

import pytest

from engine.cases import registration as registration_rules
from tests.case_driver import CaseDriver

pytestmark = pytest.mark.database


def test_running_case_responses_keep_their_version_and_can_move_to_the_routed_one(
        runtime, staff, upgrade, clock):
    case_response = upgrade("case_response")
    case_response.deploy_earlier("case_response_v1.bpmn", note="v1")
    peksos = staff.actor("peksos")

    def referral(name):
        return CaseDriver(runtime, staff, registration_rules.refer_emergency(runtime, {"nama": name}, "krisis", peksos))

    at_triage, at_pendampingan = referral("Ani"), referral("Budi")
    at_pendampingan.complete("Kedaruratan (triase)", tingkat_kedaruratan="rendah")
    assert at_pendampingan.open_names() == ["Intervensi krisis"]  # v1 walks every service
    at_pendampingan.complete("Intervensi krisis")

    case_response.deploy_shipped(note="v2: rute menurut triase")
    assert case_response.dry_run() == [(at_triage.case_id, "movable"), (at_pendampingan.case_id, "movable")]

    at_triage.complete("Kedaruratan (triase)", tingkat_kedaruratan="rendah")  # still v1
    assert at_triage.open_names() == ["Intervensi krisis"]

    assert case_response.migrate().count("migrated") == 2
    at_pendampingan.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=False)
    assert at_pendampingan.open_names() == ["Pendampingan penyelesaian kasus"]  # v2 repeats it
    at_pendampingan.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    assert at_pendampingan.open_names() == ["Rehabilitasi sosial"]
