"""No engine operation breaks a case: what SpiffWorkflow cannot run is refused at deploy, and what
fails at run time becomes a 422, a 409 or an incident that names the element, never a stuck case."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import select

from engine import clock as engine_clock
from engine.cases import state as workflow_state
from engine.cases import timers
from engine.errors import Conflict, DeployError, InvalidInput, plain_message
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import HistoryEvent, Incident, ProcessVersion
from tests.case_driver import CaseDriver, registration

DATA = Path(__file__).parent.parent / "data" / "robust"


def deploy(runtime, name: str):
    return runtime.deploy({f"{name}.bpmn": (DATA / f"{name}.bpmn").read_bytes()}, SYSTEM_ACTOR)


def start(runtime, staff, name: str) -> CaseDriver:
    deploy(runtime, name)
    return CaseDriver(runtime, staff, runtime.start_case(name, registration(), staff.actor("peksos")))


def incidents(runtime, case_id: int) -> list[Incident]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(Incident).where(Incident.case_id == case_id).order_by(Incident.id)))


def history_kinds(runtime, case_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == case_id)
                                    .order_by(HistoryEvent.id)))


# --- multi-instance tasks ------------------------------------------------------------------------


def test_completing_a_multi_instance_task_without_its_result_is_refused_naming_the_field(runtime, staff):
    case = start(runtime, staff, "multi_instance")
    first, second = case.open_tasks()
    before = case.case().state
    with pytest.raises(InvalidInput) as err:
        runtime.complete_task(first.id, {}, staff.actor("peksos"))
    assert set(err.value.fields) == {"skor"} and "nilai" in str(err.value)
    assert case.case().state == before and len(case.open_tasks()) == 2
    runtime.complete_task(first.id, {"skor": 3}, staff.actor("peksos"))
    runtime.complete_task(second.id, {"skor": 4}, staff.actor("peksos"))
    assert case.case().status == "completed"


# --- retrying incidents --------------------------------------------------------------------------


def test_a_retry_whose_cause_is_unchanged_keeps_the_incident_open_with_its_reason(runtime, staff):
    case = start(runtime, staff, "script_needs_data")
    case.complete("Isi catatan")
    [incident] = incidents(runtime, case.case_id)
    with pytest.raises(Conflict) as err:
        runtime.retry_incident(incident.id, staff.actor("supervisor"))
    assert "stays open" in str(err.value) and "nilai_dasar" in str(err.value)
    [still] = incidents(runtime, case.case_id)
    assert (still.status, still.element_id) == ("open", "hitung") and "nilai_dasar" in still.message
    assert case.case().status == "incident" and history_kinds(runtime, case.case_id)[-1] == "incident_retry_failed"
    runtime.retry_incident(incident.id, staff.actor("supervisor"), {"nilai_dasar": 2})
    assert case.case().status == "completed"


# --- cycle timers --------------------------------------------------------------------------------


def test_an_exhausted_cycle_on_a_catch_event_is_no_longer_due_and_the_case_finishes(runtime, staff, clock):
    case = start(runtime, staff, "cycle_catch")
    for _ in range(4):
        clock.shift(timedelta(hours=1, minutes=1))
        assert all(f.error is None for f in timers.fire_due(runtime.session_factory))
    assert case.case().next_timer_at is None
    assert case.open_names() == ["Kunjungi PM", "Kunjungi PM"]
    case.complete("Kunjungi PM")
    case.complete("Kunjungi PM")
    assert case.case().status == "completed"
    kinds = history_kinds(runtime, case.case_id)
    assert kinds.count("timer_fired") == 2 and "timer_error" not in kinds


def test_an_exhausted_boundary_cycle_is_no_longer_due_and_started_each_reminder_once(runtime, staff, clock):
    case = start(runtime, staff, "cycle_boundary")
    for _ in range(4):
        clock.shift(timedelta(hours=1, minutes=1))
        timers.fire_due(runtime.session_factory)
    assert case.case().next_timer_at is None  # R2: two reminders, no third when the cycle ends
    assert case.open_names() == ["Asesmen", "Tindak lanjut pengingat", "Tindak lanjut pengingat"]
    kinds = history_kinds(runtime, case.case_id)
    assert kinds.count("timer_fired") == 2 and "timer_error" not in kinds
    for name in ("Asesmen", "Tindak lanjut pengingat", "Tindak lanjut pengingat"):
        case.complete(name)
    assert case.case().status == "completed"


# --- what deploy refuses -------------------------------------------------------------------------


@pytest.mark.parametrize("name, element_id", [
    ("start_event_named_start", "Start"), ("task_named_start", "Start"), ("task_named_end", "End"),
    ("task_named_root", "Root"), ("task_named_endjoin", "task_named_endjoin.EndJoin"),
])
def test_an_element_with_an_id_the_engine_reserves_is_refused_at_deploy(runtime, name, element_id):
    with pytest.raises(DeployError) as err:
        deploy(runtime, name)
    problem = next(p for p in err.value.problems if p.element_id == element_id)
    assert "reserved" in problem.message and problem.file == f"{name}.bpmn" and problem.line


def test_a_sequence_flow_without_id_is_refused_naming_its_source_and_line(runtime):
    with pytest.raises(DeployError) as err:
        deploy(runtime, "flow_without_id")
    [problem] = err.value.problems
    assert (problem.element_id, problem.line) == ("catat", 17) and "no id" in problem.message


# --- assignees from other tools ------------------------------------------------------------------


def test_an_assignee_who_is_not_a_user_here_leaves_the_task_in_its_role_queue(runtime, staff):
    version, _ = deploy(runtime, "foreign_assignee")
    warning = next(w for w in version.meta["warnings"] if "'demo'" in w["message"])
    assert warning["element_id"] == "catat" and warning["line"] and warning["file"] == "foreign_assignee.bpmn"
    case = CaseDriver(runtime, staff, runtime.start_case("foreign_assignee", registration(),
                                                         staff.actor("peksos")))
    [task] = case.open_tasks()
    assert task.assignee is None and task.role == "pekerja_sosial"
    runtime.claim(task.id, staff.actor("peksos2"))
    case.complete("Isi catatan", as_user="peksos2")
    assert case.case().status == "completed"


def test_an_assignee_who_is_a_user_of_the_unit_gets_the_task(runtime, staff):
    xml = (DATA / "foreign_assignee.bpmn").read_bytes().replace(b'assignee="demo"', b'assignee="peksos2"')
    version, _ = runtime.deploy({"foreign_assignee.bpmn": xml}, SYSTEM_ACTOR)
    assert not any("assignee" in w["message"] for w in version.meta["warnings"])
    case_id = runtime.start_case("foreign_assignee", registration(), staff.actor("peksos"))
    assert [t.assignee for t in CaseDriver(runtime, staff, case_id).open_tasks()] == ["peksos2"]


# --- the consistency check -----------------------------------------------------------------------


def store_unchecked_version(runtime, name: str) -> None:
    """A version as deploys stored it before they refused flows without an id: parsed by
    SpiffWorkflow alone, which drops such a flow."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.parse(str(DATA / f"{name}.bpmn")), filename=f"{name}.bpmn")
    spec = workflow_state.spec_to_dict(parser.get_spec(name), parser.get_subprocess_specs(name))
    with runtime.session_factory() as session:
        session.add(ProcessVersion(
            process_key=name, version=1, name=name, content_hash="unchecked", spec=spec,
            meta={"elements": {"catat": {"type": "userTask", "name": "Isi catatan", "role": "pekerja_sosial"}},
                  "start_messages": [], "warnings": []},
            note="", deployed_by="system", deployed_at=engine_clock.now(), files=[]))
        session.commit()


def test_a_case_that_could_never_go_on_becomes_an_incident_naming_the_element(runtime, staff):
    store_unchecked_version(runtime, "flow_without_id")
    case = CaseDriver(runtime, staff, runtime.start_case("flow_without_id", registration(), staff.actor("peksos")))
    case.complete("Isi catatan")
    stored = case.case()
    assert stored.status == "incident" and case.open_tasks() == [] and stored.next_timer_at is None
    [incident] = incidents(runtime, case.case_id)
    assert incident.element_id == "catat" and "cannot go on after Isi catatan" in incident.message
    with pytest.raises(Conflict):
        runtime.retry_incident(incident.id, staff.actor("supervisor"))
    assert [i.status for i in incidents(runtime, case.case_id)] == ["open"]


def test_an_ordinary_case_never_trips_the_consistency_check(runtime, staff, deployed):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    case.into_intervensi()
    assert case.case().status == "active" and incidents(runtime, case.case_id) == []


# --- plain words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, plain", [
    ("Exactly one start event is required in a SubWorkflow Task; found 2.",
     "Exactly one start event is required in a sub-process; found 2."),
    ("bad node <Element {http://www.omg.org/spec/BPMN/20100524/MODEL}userTask at 0x7f3a2c1b5e40>",
     "bad node a bpmn:userTask element"),
    ("SpiffWorkflow failed: KeyError: 'id'", "SpiffWorkflow failed: an element lacks its id attribute"),
    ("NameError: name '_print_' is not defined",
     "NameError: print() is not available in scripts: store the value in a variable instead"),
    ("Expected an output item.", "the task's result variable was not filled in"),
    ("No output task connected.. ", "the element leads nowhere (no outgoing flow)"),
])
def test_raw_spiffworkflow_texts_are_said_in_terms_of_the_diagram(raw, plain):
    assert plain_message(raw) == plain


def test_a_script_that_prints_becomes_an_incident_that_says_print_is_not_available(runtime, staff):
    xml = (DATA / "script_needs_data.bpmn").read_bytes().replace(b"hasil = nilai_dasar * 2", b"print(1)")
    runtime.deploy({"script_needs_data.bpmn": xml}, SYSTEM_ACTOR)
    case = CaseDriver(runtime, staff, runtime.start_case("script_needs_data", registration(),
                                                         staff.actor("peksos")))
    case.complete("Isi catatan")
    [incident] = incidents(runtime, case.case_id)
    assert "print() is not available" in incident.message and "_print_" not in incident.message

