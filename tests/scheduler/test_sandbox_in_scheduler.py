"""The scheduler survives anything a case's code does: SystemExit in one case's timer script is
that case's incident, and the other cases' timers still fire in the same pass."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case, Incident

from .conftest import TIMER_ONLY, later, timer_fired_counts

# timer_only with a script task after its timer: the script fails when the case says so.
SCRIPT = "if meledak:\n    raise SystemExit(1)\nhasil = 1"
TIMER_THEN_SCRIPT = TIMER_ONLY.read_text().replace(
    '<bpmn:outgoing>Flow_ke_selesai</bpmn:outgoing>\n      <bpmn:timerEventDefinition',
    '<bpmn:outgoing>Flow_ke_skrip</bpmn:outgoing>\n      <bpmn:timerEventDefinition',
).replace(
    '<bpmn:endEvent id="End_timer_only" name="Selesai">',
    '<bpmn:scriptTask id="Skrip_setelah_timer" name="Skrip"><bpmn:incoming>Flow_ke_skrip</bpmn:incoming>'
    f'<bpmn:outgoing>Flow_ke_selesai</bpmn:outgoing><bpmn:script>{SCRIPT}</bpmn:script></bpmn:scriptTask>'
    '<bpmn:sequenceFlow id="Flow_ke_skrip" sourceRef="Timer_jatuh_tempo" targetRef="Skrip_setelah_timer" />'
    '<bpmn:endEvent id="End_timer_only" name="Selesai">',
).replace('sourceRef="Timer_jatuh_tempo" targetRef="End_timer_only"',
          'sourceRef="Skrip_setelah_timer" targetRef="End_timer_only"')


def test_system_exit_in_one_cases_timer_script_is_its_incident_and_the_next_case_still_fires(
        runtime, staff, work, clock):
    runtime.deploy({"timer_only.bpmn": TIMER_THEN_SCRIPT.encode()}, SYSTEM_ACTOR)
    due = later(hours=1)
    exploding = runtime.start_case("timer_only", {"jatuh_tempo": due.isoformat(), "meledak": True}, SYSTEM_ACTOR,
                                   unit_id=staff.unit_id)
    calm = runtime.start_case("timer_only", {"jatuh_tempo": (due + timedelta(seconds=1)).isoformat(),
                                             "meledak": False}, SYSTEM_ACTOR, unit_id=staff.unit_id)
    clock.move_to(due + timedelta(minutes=1))
    report = work.run_pass()
    assert report.fired == 2 and timer_fired_counts(runtime.session_factory) == {exploding: 1, calm: 1}
    with runtime.session_factory() as session:
        incident = session.scalars(select(Incident).where(Incident.case_id == exploding)).one()
        assert incident.element_id == "Skrip_setelah_timer" and "SystemExit" in incident.message
        assert session.get(Case, calm).status == "completed"
        assert session.get(Case, exploding).status == "incident"

