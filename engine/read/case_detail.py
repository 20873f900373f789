"""A case's own page: its profile and open work, its history, and its diagram."""
from __future__ import annotations

from dataclasses import asdict
from functools import partial

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.cases import handover, history, shown
from engine.cases import state as workflow_state
from engine.definitions import versions
from engine.errors import NotFound
from engine.people.access import Actor, require_unit
from engine.pms import duplicates
from engine.privacy import access_log, need_to_know
from engine.read.alerts_incidents import ALERT_OF_OPEN_WORK, alert_due_times
from engine.read.case_search import CASE_LISTED
from engine.read.inbox import TASK_SORTS, TASKS, _task_view
from engine.read.process_definitions import bpmn_xml
from engine.read.reading import Reader
from engine.read.visibility import _hidden_fields, _visible_case, _visible_case_or_former
from engine.storage.models import (
    Alert,
    Case,
    CaseMessageWait,
    HumanTask,
    Incident,
    ProcessVersion,
)
from engine.vocabulary import (
    TASK_OPEN,
)


class CaseDetailQueries(Reader):
    def case(self, actor: Actor, case_id: int, log_read: bool = True) -> dict:
        """Profile, stage, status, open tasks, incidents, unacknowledged alerts, linked cases and the
        messages the case waits for (e.g. ``krisis`` during intervensi). ``log_read=False`` for the
        answer to the caller's own registration: its 'change' entry in the record of processing
        already says who registered what, and a second write transaction per create cost a fifth of it."""
        with self._read() as uow:
            run = partial(_run_detail, uow.session, {"case_id": case_id})
            case = run("case").mappings().first()
            if case is None:
                raise NotFound(f"case {case_id} not found")
            require_unit(actor, case["unit_id"])
            need_to_know.require_can_read(actor, case["status"])
            facts = {key: case[key] for key in ("pm_name", "pm_nik", "kategori_usia", "risk_level")}
            detail = {
                **case,
                "open_tasks": [_task_view(task, facts) for task in run("open_tasks").mappings()],
                "incidents": [dict(row) for row in run("incidents").mappings()],
                "alerts": _with_due_times(uow.session, [dict(row) for row in run("alerts").mappings()]),
                "child_case_ids": list(run("child_case_ids").scalars()),
                "waiting_for": list(run("waiting_for").scalars()),
                # the forms' fields, so that recorded data reads with its labels and enum titles
                "form_fields": shown.form_fields(versions.compiled(uow.session, case["process_version_id"]).forms),
                "pm_cases": [asdict(seen) for seen in duplicates.cases_of(uow.session, case["pm_id"], actor)
                             if seen.case_id != case_id] if case["pm_id"] is not None else [],
            }
        if log_read:
            access_log.note(self.session_factory, actor, "read", "case", case_id, case_id, case["unit_id"])
        return detail

    def history(self, actor: Actor, case_id: int) -> list:
        """The case's history; values of sensitive fields masked unless the caller needs to know."""
        with self._read() as uow:
            case, cutoff = _visible_case_or_former(uow.session, actor, case_id)
            events = history.for_case(uow.session, case_id)
            if cutoff is not None:  # a unit that transferred the case away reads what happened until then
                events = handover.until_transfer(events, cutoff)
            names = _hidden_fields(uow.session, actor, case.id, case.unit_id, case.process_version_id)
        for event in events:  # detached: changing them writes nothing
            event.data = need_to_know.masked(event.data, names) if names else event.data
        access_log.note(self.session_factory, actor, "read", "history", case_id, case_id, case.unit_id)
        return events

    def diagram(self, actor: Actor, case_id: int) -> dict:
        """The version's BPMN and the element ids completed, active (open or running) and waiting."""
        with self._read() as uow:
            session = uow.session
            case = _visible_case(session, actor, case_id, with_state=True)
            compiled = versions.compiled(session, case.process_version_id)
            wf = workflow_state.load(case.state, compiled.specs)
            active, waiting = _live_elements(wf)
            open_tasks = session.scalars(select(HumanTask.element_id).where(
                HumanTask.case_id == case_id, HumanTask.status == TASK_OPEN))
            active |= set(open_tasks)
            return {
                "case_id": case.id, "process_key": case.process_key, "version": compiled.version,
                "xml": bpmn_xml(session, case.process_version_id, case.process_key),
                "completed": sorted(set(case.completed_elements or []) - active - waiting),
                "active": sorted(active), "waiting": sorted(waiting - active),
            }


# --- building blocks ---------------------------------------------------------------------------

_CASE_ID = bindparam("case_id")
# Built once: a case page is seven small indexed reads, and building statements costs more than running them.
CASE_DETAIL = {
    "case": select(*CASE_LISTED, ProcessVersion.version)
    .join(ProcessVersion, ProcessVersion.id == Case.process_version_id).where(Case.id == _CASE_ID),
    "open_tasks": select(TASKS).where(HumanTask.case_id == _CASE_ID, HumanTask.status == TASK_OPEN)
    .order_by(*TASK_SORTS["due"]),
    "incidents": select(Incident.__table__).where(Incident.case_id == _CASE_ID).order_by(Incident.id),
    # the alerts of the unit that holds the case: a pending handover's alerts are the receiving unit's
    "alerts": select(Alert.__table__).where(
        Alert.case_id == _CASE_ID, Alert.acked_at.is_(None), ALERT_OF_OPEN_WORK,
        Alert.unit_id == select(Case.unit_id).where(Case.id == _CASE_ID).scalar_subquery())
    .order_by(Alert.id),
    # cases.parent_case_id has no index yet; a child is always newer than its parent, so only the
    # primary-key range after the case is scanned (short for the recent cases people work on)
    "child_case_ids": select(Case.id).where(Case.id > _CASE_ID, Case.parent_case_id == _CASE_ID).order_by(Case.id),
    "waiting_for": select(CaseMessageWait.message_name).where(CaseMessageWait.case_id == _CASE_ID)
    .order_by(CaseMessageWait.message_name),
}


def _with_due_times(session: Session, alerts: list[dict]) -> list[dict]:
    due = alert_due_times(session, [(a["id"], a["task_id"], a["dedup_key"]) for a in alerts])
    return [{**alert, "due_at": due.get(alert["id"])} for alert in alerts]


def _run_detail(session: Session, params: dict, name: str):
    return session.execute(CASE_DETAIL[name], params)


def _live_elements(wf) -> tuple[set[str], set[str]]:
    active: set[str] = set()
    waiting: set[str] = set()
    for task in wf.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.ERROR | TaskState.WAITING):
        element_id = getattr(task.task_spec, "bpmn_id", None)
        if not element_id:
            continue
        if task.state == TaskState.WAITING:
            if getattr(task.task_spec, "event_definition", None) is not None:
                waiting.add(element_id)
        else:
            active.add(element_id)
    return active, waiting
