"""Untrusted diagrams cannot stall the server: bounded durations, and scripts with real limits."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import durations
from engine.access import SYSTEM_ACTOR
from engine.errors import DeployError
from engine.models import Incident
from tests.case_driver import CaseDriver, registration
from tests.engine.test_untrusted_input import SCRIPT_PROCESS, deploy_script


def _with_timer(kind: str, text: str) -> bytes:
    return SCRIPT_PROCESS.replace("SCRIPT_BODY", "").replace(
        '<bpmn:endEvent id="end">',
        f'<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition><bpmn:{kind}>{text}'
        f'</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end">').encode()


def incident_of(runtime, case_id: int) -> Incident:
    with runtime.session_factory() as session:
        return session.scalars(select(Incident).where(Incident.case_id == case_id)).one()


def test_a_due_time_beyond_a_hundred_years_is_refused_at_deploy_naming_the_task(runtime):
    xml = SCRIPT_PROCESS.replace("SCRIPT_BODY", "").replace('value="P1D"', 'value="P1000000Y"').encode()
    with pytest.raises(DeployError) as err:
        runtime.deploy({"jauh.bpmn": xml}, SYSTEM_ACTOR)
    problem = next(p for p in err.value.problems if "100 years" in p.message)
    assert problem.element_id == "isi" and "P1000000Y" in problem.message


@pytest.mark.parametrize("kind, text", [
    ("timeDuration", '"P999999999Y"'),
    ("timeCycle", '"R/P999999999Y"'),
    ("timeDate", '"9999-01-01T00:00:00+07:00"'),
])
def test_a_timer_beyond_a_hundred_years_is_refused_at_deploy_naming_the_timer(runtime, kind, text):
    with pytest.raises(DeployError) as err:
        runtime.deploy({"timer.bpmn": _with_timer(kind, text)}, SYSTEM_ACTOR)
    problem = next(p for p in err.value.problems if "100 years" in p.message)
    assert problem.element_id == "tunggu" and problem.line is not None


def test_a_hundred_years_is_still_allowed(runtime):
    version, created = runtime.deploy({"timer.bpmn": _with_timer("timeDuration", '"P100Y"')}, SYSTEM_ACTOR)
    assert created and version.version == 1


def test_add_duration_refuses_a_huge_duration_instead_of_walking_it():
    with pytest.raises(ValueError, match="100 years"):
        durations.add_duration(datetime(2026, 1, 5, tzinfo=UTC), "P999999999Y")
    assert durations.add_duration(datetime(2026, 1, 31, tzinfo=UTC), "P1M") == datetime(2026, 3, 3, tzinfo=UTC)


def test_a_script_asking_for_a_huge_duration_becomes_an_incident(runtime, staff):
    deploy_script(runtime, 'akhir = add_duration(now_iso(), "P999999999Y")')
    case_id = runtime.start_case("skrip", registration(), staff.actor("peksos"))
    case = CaseDriver(runtime, staff, case_id)
    runtime.complete_task(case.task("Isi data").id, {}, staff.actor("peksos"))
    incident = incident_of(runtime, case_id)
    assert incident.element_id == "hitung" and "100 years" in incident.message
