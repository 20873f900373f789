"""Run a case's workflow forward and reflect the result into the queryable tables.

After every engine step the tables say: which human tasks are open (with role, due time and
priority), the case's stage and status, its next timer due time, and the messages it waits for.
A script that fails becomes an incident instead of an exception.
"""
from __future__ import annotations

import os
from copy import deepcopy
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine import clock, durations
from engine.cases import history
from engine.cases import state as workflow_state
from engine.definitions.versions import CompiledVersion
from engine.errors import plain_message
from engine.storage.models import Alert, Case, CaseMessageWait, HumanTask, Incident, User
from engine.vocabulary import (
    CASE_ACTIVE,
    CASE_COMPLETED,
    CASE_INCIDENT,
    INCIDENT_OPEN,
    RISK_HIGH,
    RISK_LOW,
    RISK_MEDIUM,
    SUPERVISOR,
    TASK_CANCELLED,
    TASK_OPEN,
    URGENT_PRIORITY,
)

DEFAULT_DUE = "P7D"
PRIORITY_BY_RISK = {RISK_HIGH: 1, RISK_MEDIUM: 2, RISK_LOW: 3}


def run_engine(session: Session, case: Case, wf: BpmnWorkflow, actor: str) -> None:
    """do_engine_steps, turning a failure inside SpiffWorkflow into an incident on the case."""
    completed: list = []
    try:
        wf.do_engine_steps(did_complete_task=completed.append)
    except Exception as exc:
        if not raised_in_spiffworkflow(exc):
            raise
        open_incident_for(session, case, exc, actor)
    _note_completed(session, case, completed, actor)


def raised_in_spiffworkflow(exc: BaseException) -> bool:
    """SpiffWorkflow's own errors, and the bare KeyError/TypeError its code raises on diagrams it
    did not expect: what a diagram can cause, as opposed to a bug of ours."""
    if isinstance(exc, SpiffWorkflowException):
        return True
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and f"{os.sep}SpiffWorkflow{os.sep}" in frame.tb_frame.f_code.co_filename


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
    if wf.completed and case.status != CASE_COMPLETED:
        case.status, case.completed_at = CASE_COMPLETED, clock.now()
        history.record(session, case.id, actor, "case_completed", "kasus selesai")
    elif not wf.completed and case.status != CASE_INCIDENT:
        case.status = CASE_ACTIVE
    case.state = workflow_state.dump(wf)
    case.serializer_version = workflow_state.SERIALIZER_VERSION
    case.updated_at = clock.now()


# --- human tasks -------------------------------------------------------------------------------


def _sync_human_tasks(session: Session, case: Case, wf: BpmnWorkflow, version: CompiledVersion,
                      actor: str) -> None:
    ready = {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    rows = open_task_rows(session, case)
    open_rows = {task_id: row for task_id, row in rows.items() if row.status == TASK_OPEN}
    withdrawn = [task_id for task_id in open_rows if task_id not in ready]
    for task_id in withdrawn:  # a timer or an interrupting event took it away
        row = open_rows.pop(task_id)
        row.status, row.next_alert_at = TASK_CANCELLED, None
        history.record(session, case.id, actor, "task_cancelled", row.name, row.element_id, row.id)
    if withdrawn:  # nobody needs reminding of work that is gone
        session.execute(update(Alert).where(Alert.task_id.in_(withdrawn), Alert.acked_at.is_(None))
                        .values(acked_at=clock.now(), acked_by=actor))
    by_risk = PRIORITY_BY_RISK.get(case.risk_level or "", 2)
    for task_id, task in ready.items():
        urgent = bool(version.element(task.task_spec.bpmn_id).get("urgent"))
        priority = URGENT_PRIORITY if urgent else by_risk
        if task_id in open_rows:
            open_rows[task_id].priority = priority
        else:  # task ids are never reused, so a READY task without an open row is new
            rows[task_id] = _new_task_row(case, wf, version, task, priority)
            rows[task_id].assignee = _assignee_here(session, rows[task_id])
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
        # a task with no stage of its own (koordinasi, at any time) belongs to the stage the case is in
        stage=meta.get("stage") or _subprocess_stage(version, task) or case.stage, role=meta.get("role"),
        assignee=meta.get("assignee"), status=TASK_OPEN, priority=priority, form=meta.get("form"),
        due_at=due_at, next_alert_at=now if priority == URGENT_PRIORITY else due_at, created_at=now,
    )


def _assignee_here(session: Session, row: HumanTask) -> str | None:
    """The diagram's assignee, when that is an active user of the case's unit who may hold the task.
    Diagrams from other tools name their own users ("demo", "kermit"): their tasks stay in the
    role's queue."""
    if not row.assignee:
        return None
    user = session.scalars(select(User).where(User.username == row.assignee, User.active.is_(True),
                                              User.unit_id == row.unit_id)).first()
    if user is None or (row.role and row.role not in user.roles and SUPERVISOR not in user.roles):
        return None
    return user.username


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
    timers = [due for task in wf.event_manager.tasks.values() if (due := timer_due(task)) is not None]
    return min(timers) if timers else None


def _sync_waits(session: Session, case: Case, wf: BpmnWorkflow) -> None:
    case.next_timer_at = next_timer_due(wf)
    messages = workflow_state.message_waits(wf)
    loaded = getattr(wf, "loaded_message_waits", None)  # what the table says; None: not known
    if messages == loaded:
        return
    gone = (CaseMessageWait.case_id == case.id) if loaded is None else (
        (CaseMessageWait.case_id == case.id) & CaseMessageWait.message_name.in_(sorted(loaded - messages)))
    if loaded is None or loaded - messages:  # only what changed: a new case deletes nothing
        session.execute(delete(CaseMessageWait).where(gone))
    session.add_all(CaseMessageWait(case_id=case.id, message_name=name)
                    for name in sorted(messages if loaded is None else messages - loaded))
    wf.loaded_message_waits = set(messages)  # a second save in the same operation starts from here


def timer_due(task) -> datetime | None:
    """When a waiting timer fires next; None for other events and for a cycle that has used all
    its repetitions (SpiffWorkflow then reports a dict instead of a date)."""
    definition = task.task_spec.event_definition
    if not isinstance(definition, TimerEventDefinition):
        return None
    value = definition.details(task).value
    if not value or isinstance(value, dict):
        return None
    return TimerEventDefinition.get_datetime(str(value))


def finish_exhausted_cycles(wf: BpmnWorkflow) -> None:
    """A cycle timer that has fired all its repetitions ends now, instead of waiting for ever for a
    firing that never comes (SpiffWorkflow only ends it on one more refresh)."""
    for task in list(wf.event_manager.tasks.values()):
        if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition) \
                and (task.internal_data.get("event_value") or {}).get("cycles") == 0:
            task._set_internal_data(event_fired=True)
            task.task_spec._update(task)


def waiting_message_task(wf: BpmnWorkflow, name: str):
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == name:
            return task
    return None


def message_catcher(wf: BpmnWorkflow, name: str):
    """The element spec that catches the message now: a waiting catch event, or else the start
    event of an event sub-process, which then sees the case's current data (as BPMN says; Spiff
    3.2 would copy it from the workflow's root task, which holds none)."""
    waiting = waiting_message_task(wf, name)
    if waiting is not None:
        return waiting.task_spec
    start = workflow_state.event_subprocess_starts(wf).get(name)
    if start is not None:
        wf.task_tree.data = deepcopy(_current_data(wf, _live_tasks(wf)))
        workflow_state.open_event_subprocess(wf, start)
    return start


# --- incidents and history ---------------------------------------------------------------------


def open_incident_for(session: Session, case: Case, exc: Exception, actor: str) -> None:
    task = getattr(exc, "task", None)
    open_incident(session, case, task, incident_message(exc), actor,
                  line=getattr(exc, "line_number", None) or None,
                  error_line=getattr(exc, "error_line", None) or None)


def open_incident(session: Session, case: Case, task, message: str, actor: str, line: int | None = None,
                  error_line: str | None = None) -> Incident:
    element_id = task.task_spec.bpmn_id if task is not None else None
    incident = Incident(
        case_id=case.id, task_id=str(task.id) if task is not None else "", element_id=element_id or "",
        line=line, error_line=error_line, message=message, created_at=clock.now(),
    )
    session.add(incident)
    case.status = CASE_INCIDENT
    history.record(session, case.id, actor, "incident", incident.message, element_id,
                   incident.task_id or None, {"line": incident.line, "error_line": incident.error_line})
    return incident


def running_status(session: Session, case: Case) -> str:
    """A running case's status: 'incident' while any incident of it is open, else 'active'."""
    open_one = session.scalar(select(Incident.id).where(Incident.case_id == case.id,
                                                        Incident.status == INCIDENT_OPEN).limit(1))
    return CASE_INCIDENT if open_one is not None else CASE_ACTIVE


def incident_message(exc: Exception) -> str:
    """What went wrong, in the diagram's terms: SpiffWorkflow's text with its notes, made plain."""
    message = str(exc.args[0]) if exc.args else str(exc)
    error_type = getattr(exc, "error_type", None)
    if error_type and message.startswith(error_type + ":"):
        message = f"{error_type}: {message[len(error_type) + 1:]}"
    elif not isinstance(exc, SpiffWorkflowException):
        message = f"{type(exc).__name__}: {message}"
    task = getattr(exc, "task", None)
    if task is not None and task.task_spec.bpmn_id and task.task_spec.bpmn_id not in message:
        message = f"{_element_name(task)}: {message}"
    notes = [n for n in getattr(exc, "__notes__", []) if n]
    return plain_message(" ".join([message, *notes]))


def _element_name(task) -> str:
    spec = task.task_spec
    return f"{spec.bpmn_name} ({spec.bpmn_id})" if spec.bpmn_name else spec.bpmn_id


# --- the case can always go on -----------------------------------------------------------------


def stuck_reason(wf: BpmnWorkflow) -> tuple[object, str] | None:
    """(the task to blame, why) when the case has not ended and nothing is open, failed or waiting
    for an event: no operation could ever move it again. None when it can go on."""
    if wf.completed or wf.event_manager.tasks or wf.get_next_task(state=TaskState.READY | TaskState.ERROR):
        return None
    join = wf.get_next_task(state=TaskState.WAITING)
    if join is not None and join.task_spec.bpmn_id:
        return join, (f"{_element_name(join)} waits for a branch that can no longer arrive: nothing else is "
                      "open or waiting in the case")
    done = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    last = max(done, key=lambda t: t.last_state_change, default=None)
    where = f"after {_element_name(last)}" if last is not None else "at its start"
    return last, (f"the case cannot go on {where}: nothing is open or waiting and the process has not "
                  "reached an end event (a sequence flow out of it may be missing or was dropped)")


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
