"""Run a case's workflow forward and reflect the result into the queryable tables.

After every engine step the tables say: which human tasks are open (with role, due time and
priority), the case's stage and status, its next timer due time, and the messages it waits for.
A script that fails becomes an incident instead of an exception.
"""
from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine import clock, durations
from engine.cases import history
from engine.cases import state as workflow_state
from engine.definitions.versions import CompiledVersion
from engine.storage.models import Case, CaseMessageWait, HumanTask, Incident

DEFAULT_DUE = "P7D"
PRIORITY_BY_RISK = {"tinggi": 1, "sedang": 2, "rendah": 3}


def run_engine(session: Session, case: Case, wf: BpmnWorkflow, actor: str) -> None:
    """do_engine_steps, turning a script failure into an incident on the case."""
    completed: list = []
    try:
        wf.do_engine_steps(did_complete_task=completed.append)
    except SpiffWorkflowException as exc:
        _open_incident(session, case, exc, actor)
    _note_completed(session, case, completed, actor)


def save(session: Session, case: Case, wf: BpmnWorkflow, version: CompiledVersion, actor: str) -> None:
    """Reflect the workflow into the case row and its task, wait and timer columns."""
    live = _live_tasks(wf)
    snapshot = _current_data(wf, live)
    case.risk_level = snapshot.get("risk_level", case.risk_level)
    _sync_human_tasks(session, case, wf, version, actor)
    new_stage = _current_stage(version, live)
    if new_stage and new_stage != case.stage:
        history.record(session, case.id, actor, "stage_changed", f"tahap: {new_stage}", data={"stage": new_stage})
        case.stage = new_stage
    _sync_waits(session, case, wf)
    if wf.completed and case.status != "completed":
        case.status, case.completed_at = "completed", clock.now()
        history.record(session, case.id, actor, "case_completed", "kasus selesai")
    elif not wf.completed and case.status != "incident":
        case.status = "active"
    case.state = workflow_state.dump(wf)
    case.serializer_version = workflow_state.SERIALIZER_VERSION
    case.updated_at = clock.now()


# --- human tasks -------------------------------------------------------------------------------


def _sync_human_tasks(session: Session, case: Case, wf: BpmnWorkflow, version: CompiledVersion,
                      actor: str) -> None:
    ready = {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    rows = open_task_rows(session, case)
    open_rows = {task_id: row for task_id, row in rows.items() if row.status == "open"}
    for task_id, row in open_rows.items():
        if task_id not in ready:  # a timer or an interrupting event took it away
            row.status, row.next_alert_at = "cancelled", None
            history.record(session, case.id, actor, "task_cancelled", row.name, row.element_id, row.id)
    priority = PRIORITY_BY_RISK.get(case.risk_level or "", 2)
    for task_id, task in ready.items():
        if task_id in open_rows:
            open_rows[task_id].priority = priority
        else:  # task ids are never reused, so a READY task without an open row is new
            rows[task_id] = _new_task_row(case, wf, version, task, priority)
            session.add(rows[task_id])
            history.record(session, case.id, actor, "task_created", task.task_spec.bpmn_name or "",
                           task.task_spec.bpmn_id, task_id)


def open_task_rows(session: Session, case: Case, new_case: bool = False) -> dict[str, HumanTask]:
    """The case's open task rows, as read with the case's lock (the lock holder alone changes
    them), kept for the unit of work. Rows this session changed keep their new status. A case
    created in this unit of work has none yet."""
    key = ("open_task_rows", case.id)
    if key not in session.info:
        session.info[key] = {} if new_case else {row.id: row for row in case.open_tasks}
    return session.info[key]


def _new_task_row(case: Case, wf: BpmnWorkflow, version: CompiledVersion, task, priority: int) -> HumanTask:
    meta = version.element(task.task_spec.bpmn_id)
    now = clock.now()
    due_at = _due_at(wf, task, meta, now)
    return HumanTask(
        id=str(task.id), case_id=case.id, unit_id=case.unit_id, process_key=case.process_key,
        element_id=task.task_spec.bpmn_id, name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
        stage=meta.get("stage") or _subprocess_stage(version, task), role=meta.get("role"),
        assignee=meta.get("assignee"), status="open", priority=priority, form=meta.get("form"),
        due_at=due_at, next_alert_at=due_at, created_at=now,
    )


def _due_at(wf: BpmnWorkflow, task, meta: dict, now: datetime) -> datetime:
    if meta.get("due_date"):
        try:
            value = wf.script_engine.evaluate(task, meta["due_date"])
            return durations.parse_datetime(str(value))
        except (SpiffWorkflowException, ValueError, TypeError):
            pass  # fall back to dueIn; the linter already warned about the expression
    return durations.add_duration(now, meta.get("due_in") or DEFAULT_DUE)


# --- stage, waits, timers ----------------------------------------------------------------------


def _live_tasks(wf: BpmnWorkflow) -> list:
    tasks = wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR)
    return sorted(tasks, key=lambda t: t.last_state_change)


def _current_data(wf: BpmnWorkflow, live: list) -> dict:
    if live:
        return live[-1].data
    return wf.last_task.data if wf.last_task is not None else wf.data


def _current_stage(version: CompiledVersion, live: list) -> str | None:
    for task in reversed(live):
        stage = version.element(task.task_spec.bpmn_id).get("stage") or _subprocess_stage(version, task)
        if stage:
            return stage
    return None


def _subprocess_stage(version: CompiledVersion, task) -> str | None:
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        stage = version.element(parent.task_spec.bpmn_id).get("stage")
        if stage:
            return stage
        workflow = parent.workflow
    return None


def next_timer_due(wf: BpmnWorkflow) -> datetime | None:
    timers = [
        TimerEventDefinition.get_datetime(str(pending.value))
        for task in wf.event_manager.tasks.values()
        if isinstance(task.task_spec.event_definition, TimerEventDefinition)
        and (pending := task.task_spec.event_definition.details(task)).value
    ]
    return min(timers) if timers else None


def _sync_waits(session: Session, case: Case, wf: BpmnWorkflow) -> None:
    case.next_timer_at = next_timer_due(wf)
    messages = workflow_state.message_waits(wf)
    if messages == getattr(wf, "loaded_message_waits", None):
        return  # the table already says this
    session.execute(delete(CaseMessageWait).where(CaseMessageWait.case_id == case.id))
    session.add_all(CaseMessageWait(case_id=case.id, message_name=name) for name in sorted(messages))


def waiting_message_task(wf: BpmnWorkflow, name: str):
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == name:
            return task
    return None


# --- incidents and history ---------------------------------------------------------------------


def _open_incident(session: Session, case: Case, exc: SpiffWorkflowException, actor: str) -> None:
    task = getattr(exc, "task", None)
    element_id = task.task_spec.bpmn_id if task is not None else None
    incident = Incident(
        case_id=case.id, task_id=str(task.id) if task is not None else "", element_id=element_id or "",
        line=getattr(exc, "line_number", None) or None, error_line=getattr(exc, "error_line", None) or None,
        message=_incident_message(exc), created_at=clock.now(),
    )
    session.add(incident)
    case.status = "incident"
    history.record(session, case.id, actor, "incident", incident.message, element_id,
                   incident.task_id or None, {"line": incident.line, "error_line": incident.error_line})


def _incident_message(exc: SpiffWorkflowException) -> str:
    message = str(exc.args[0]) if exc.args else str(exc)
    error_type = getattr(exc, "error_type", None)
    if error_type and message.startswith(error_type + ":"):
        message = f"{error_type}: {message[len(error_type) + 1:]}"
    notes = [n for n in getattr(exc, "__notes__", []) if n]
    return " ".join([message, *notes])


def _note_completed(session: Session, case: Case, completed: list, actor: str) -> None:
    seen = set(case.completed_elements or [])
    for task in completed:
        element_id = task.task_spec.bpmn_id
        if element_id is None:
            continue
        seen.add(element_id)
    if len(seen) != len(case.completed_elements or []):
        case.completed_elements = sorted(seen)


def timer_snapshot(wf: BpmnWorkflow) -> dict:
    """Each waiting timer's due value, to tell afterwards which ones fired."""
    return {task.id: (task, deepcopy(task.internal_data.get("event_value")))
            for task in wf.event_manager.tasks.values()
            if isinstance(task.task_spec.event_definition, TimerEventDefinition)}


def record_fired_timers(session: Session, case: Case, wf: BpmnWorkflow, before: dict, actor: str) -> None:
    """A timer fired when it stopped waiting, or (a cycle) when its next due value moved on."""
    for task, value in before.values():
        if task.state != TaskState.WAITING or task.internal_data.get("event_value") != value:
            history.record(session, case.id, actor, "timer_fired", task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                           task.task_spec.bpmn_id, str(task.id))


def task_by_id(wf: BpmnWorkflow, task_id: str):
    try:
        return wf.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError, SpiffWorkflowException):
        return None
