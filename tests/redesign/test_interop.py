"""Diagrams drawn by other tools: each one deploys and a case runs on it, or the deploy names the
element and why. The corpus is tests/data/interop (see its README for where each file comes from)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import DeployError
from engine.storage.models import Case, HumanTask
from tests.case_driver import registration
from tests.interop import DIAGRAMS, interop_bytes

COMPANIONS = ("spiffarena__wonderful.dmn", "spiffarena__simple_form.json", "spiffarena__simple_form_ui.json")

# file -> (process key, the open tasks a new case shows as (name, role, assignee), and a timer waiting?)
RUNS = {
    "camunda__processWithUserTaskAndTimer.bpmn20.xml": ("processWithUserTaskAndTimer",
                                                        [("UserTask", "pekerja_sosial", None)], True),
    # camunda:assignee="demo" names Camunda's demo user, not one of ours: the task stays in the role's queue
    "camunda__reviewInvoice.bpmn": ("ReviewInvoice", [("Assign Reviewer", "pekerja_sosial", None)], False),
    "miwg__C.9.1.bpmn": ("requestDocument_en", [], True),
    "spiffarena__sample.bpmn": ("sample", [], False),
    "spiffarena__simple_form.bpmn": ("Process_WithForm", [("Simple Form", "pekerja_sosial", None)], False),
    "spiffarena__user_task_with_timer.bpmn": ("Process_zaes0vi", [("User task one", None, None)], True),
}
# file -> {element id: what the problem says}: a subset of the problems the deploy reports
REFUSED = {
    "bpmnio__kitchen-sink.bpmn": {"BoundaryEvent_1fs6xst": "timer has no expression",
                                  "ExclusiveGateway_08cpnyi": "complexGateway is not supported",
                                  "IntermediateThrowEvent_0iysg53": "link event has no name"},
    "bpmnio__newDiagram.bpmn": {"Process_1": 'is not executable: set isExecutable="true"'},
    "camunda__invoice.v2.bpmn": {"Accountant": "is not a known role", "DataStoreReference_1": "data stores",
                                 "ServiceTask_1": "serviceTaskOperator"},
    "camunda__order-handling.bpmn": {"StartEvent_1": "cron expression"},
    "miwg-bpmnio__B.1.0-export.bpmn": {"StartEvent_1": "timer has no expression",
                                       "Activity_0yyznkb": "serviceTaskOperator"},
    "miwg-signavio__B.1.0-export.bpmn": {"sid-197DAB20-8272-47C0-A69C-A7919FE812D8": "is not executable"},
    "miwg__A.1.0.bpmn": {"WFP-6-": "is not executable"},
    "miwg__A.4.0.bpmn": {"WFP-6-1": "is not executable", "WFP-6-2": "is not executable"},
    "miwg__B.2.0.bpmn": {"WFP-0-": "is not executable"},
    "miwg__C.1.0.bpmn": {"Approver": "is not a known role", "archiveInvoice": "serviceTaskOperator"},
    "spiffarena__lanes.bpmn": {"process_initiator": "lane 'Process Initiator' is not a known role",
                               "finance_team": "lane 'Finance Team' is not a known role"},
}


def bundle(name: str) -> dict[str, bytes]:
    return {name: interop_bytes(name), **{c: interop_bytes(c) for c in COMPANIONS}}


def open_tasks(session_factory, case_id: int) -> list[tuple]:
    with session_factory() as session:
        rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open"))
        return sorted((t.name, t.role, t.assignee) for t in rows)


def test_every_bpmn_file_of_the_corpus_is_covered_here():
    assert set(DIAGRAMS) == set(RUNS) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_diagram_we_can_execute_deploys_and_a_case_runs_on_it(name, runtime, staff, session_factory, clock):
    key, tasks, waits_on_timer = RUNS[name]
    version, _ = runtime.deploy(bundle(name), staff.actor("supervisor"), note=name)
    assert version.process_key == key
    case_id = runtime.start_case(key, registration(), staff.actor("supervisor"))
    assert open_tasks(session_factory, case_id) == sorted(tasks)
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case.status in ("active", "completed")
        assert (case.next_timer_at is not None) == waits_on_timer


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_diagram_we_cannot_execute_is_refused_naming_each_element_and_why(name, runtime, staff):
    with pytest.raises(DeployError) as refused:
        runtime.deploy(bundle(name), staff.actor("supervisor"))
    found = {p.element_id: p.message for p in refused.value.problems}
    for element_id, says in REFUSED[name].items():
        assert says in found.get(element_id, ""), (element_id, found)
    assert all(p.file == name or p.file in COMPANIONS for p in refused.value.problems)


def test_a_camunda_timer_written_unquoted_fires_after_deploy_quoted_it(runtime, staff, session_factory, clock):
    name = "camunda__processWithUserTaskAndTimer.bpmn20.xml"
    runtime.deploy(bundle(name), staff.actor("supervisor"))
    case_id = runtime.start_case("processWithUserTaskAndTimer", registration(), staff.actor("peksos"))
    clock.shift(timedelta(minutes=3))
    assert runtime.fire_timers(case_id)
    assert open_tasks(session_factory, case_id) == []
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "completed" and "EndEvent_1eevm2p" in case.completed_elements


def test_a_spiffarena_form_task_is_completed_with_its_json_schema_form(runtime, staff, session_factory, clock):
    files = bundle("spiffarena__simple_form.bpmn")
    # Its post-scripts call SpiffArena's own helpers (get_process_initiator_user, ...), which this
    # engine does not provide (docs/interop.md); without them the form task runs.
    files["spiffarena__simple_form.bpmn"] = re.sub(rb"<spiffworkflow:postScript>.*?</spiffworkflow:postScript>", b"",
                                                   files["spiffarena__simple_form.bpmn"])
    runtime.deploy(files, staff.actor("supervisor"))
    case_id = runtime.start_case("Process_WithForm", registration(), staff.actor("peksos"))
    with session_factory() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)).one()
        assert task.form == "spiffarena__simple_form.json"
    runtime.complete_task(task.id, {"name": "Dewi", "department": "HR"}, staff.actor("peksos"))
    assert [t[0] for t in open_tasks(session_factory, case_id)] == ["DisplayInfo"]  # the manual task that follows


def test_spiffarena_lanes_renamed_to_our_roles_deploy_and_route_tasks_by_lane(runtime, staff, session_factory, clock):
    raw = interop_bytes("spiffarena__lanes.bpmn").replace(b'name="Process Initiator"', b'name="Pekerja Sosial"')
    raw = raw.replace(b'name="Finance Team"', b'name="Supervisor"')
    runtime.deploy({"spiffarena__lanes.bpmn": raw}, staff.actor("supervisor"))
    case_id = runtime.start_case("Process_yhito9d", registration(), staff.actor("peksos"))
    (first,) = open_tasks(session_factory, case_id)
    assert first[1] == "pekerja_sosial"
    with session_factory() as session:
        task_id = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one()
    runtime.complete_task(task_id, {}, staff.actor("peksos"))
    assert [t[1] for t in open_tasks(session_factory, case_id)] == ["supervisor"]
