"""The supervisor's dashboard: where the unit's cases stand and what is late or due soon.

Read-only aggregates, each scoped to the caller's unit: active cases per stage and per risk level,
overdue tasks per worker, the cases with a deadline (an open task's due time or the case's next
timer) in the coming days, and a heat map of how many active cases stand at each diagram element.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.cases.runtime import latest_version
from engine.definitions import versions
from engine.errors import Forbidden, NotFound
from engine.people.access import Actor, can_read_region, require_role
from engine.read.process_definitions import bpmn_xml
from engine.read.reading import detached_read
from engine.storage.models import Case, HumanTask, Unit
from engine.vocabulary import CASE_ACTIVE, CASE_INCIDENT, CASE_RESPONSE, EDITORS, INTAKE, TASK_OPEN

LIVE_STATUSES = (CASE_ACTIVE, CASE_INCIDENT)
MAX_REGION_DEPTH = 4  # product default: a Balai reads the units below it this many levels down


@dataclass(frozen=True)
class Deadline:
    case_id: int
    pm_name: str
    kategori_usia: str | None
    risk_level: str | None
    stage: str | None
    due_at: datetime
    kind: str  # task | timer
    task_id: str | None = None
    task_name: str | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class WorkerLoad:
    assignee: str | None  # None: the role's open queue
    role: str | None
    overdue: int


class Dashboard:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def region(self, actor: Actor) -> list[dict]:
        """The units whose dashboards the actor reads: their own, and for a koordinator wilayah the
        units of its region (those below the coordinator's Balai, through their parent units)."""
        with detached_read(self.session_factory) as uow:
            rows = uow.session.execute(select(Unit.id, Unit.code, Unit.name, Unit.parent_unit_id)).all()
        parents = {r.id: r.parent_unit_id for r in rows}
        readable = [r for r in rows if can_read_region(actor, r.id, _above(parents, r.id))]
        readable.sort(key=lambda r: (r.id != actor.unit_id, r.name))
        return [{"id": r.id, "code": r.code, "name": r.name} for r in readable]

    def summary(self, actor: Actor, days: int = 7, unit_id: int | None = None) -> dict:
        """Counts per stage and risk level, overdue tasks per worker and deadlines in the next ``days``,
        of the actor's unit or (a koordinator wilayah) of a unit of its region."""
        now = clock.now()
        with detached_read(self.session_factory) as uow:
            session = uow.session
            own_unit, actor = actor.unit_id, viewer_of_unit(session, actor, unit_id)
            deadlines = sorted(_task_deadlines(session, actor, now, now + timedelta(days=days))
                               + _timer_deadlines(session, actor, now, now + timedelta(days=days)),
                               key=lambda d: (d.due_at, d.case_id))
            if actor.unit_id != own_unit and not actor.is_system:  # another unit's PM: no names
                deadlines = [replace(d, pm_name="") for d in deadlines]
            return {
                "unit_id": actor.unit_id,
                "by_stage": _live_case_counts(session, actor, Case.stage),
                "by_risk": _live_case_counts(session, actor, Case.risk_level),
                "overdue_by_worker": _overdue_by_worker(session, actor, now),
                "deadlines": deadlines,
                "days": days,
                **_people_and_cases(session, actor),
            }

    def heat_map(self, actor: Actor, process_key: str = INTAKE, unit_id: int | None = None) -> dict:
        """The newest version's BPMN and, per element id, how many live cases of the unit stand there:
        at an open task, or (with no open task) at a waiting intermediate event such as a timer; and the
        same as (element name, count) steps, most crowded first."""
        with detached_read(self.session_factory) as uow:
            session = uow.session
            actor = viewer_of_unit(session, actor, unit_id)
            try:
                version = latest_version(session, process_key, actor.unit_id)
            except NotFound:
                return {"process_key": process_key, "version": None, "xml": None, "counts": {}, "steps": []}
            counts = _counts_at_open_tasks(session, actor, process_key)
            for element_id in _waiting_elements_of_idle_cases(session, actor, process_key):
                counts[element_id] = counts.get(element_id, 0) + 1
            xml = bpmn_xml(session, version.id, process_key)
            names = element_names(xml, set(counts))
            steps = sorted(((names.get(element_id) or element_id, count) for element_id, count in counts.items()),
                           key=lambda step: (-step[1], step[0]))
            return {"process_key": process_key, "version": version.version, "xml": xml, "counts": counts,
                    "steps": steps}


# --- building blocks ---------------------------------------------------------------------------


def viewer_of_unit(session: Session, actor: Actor, unit_id: int | None) -> Actor:
    """The actor as seen from the unit whose dashboard or report is read (checked: engine.people.access)."""
    if actor.is_system and unit_id is None:
        return actor
    target = actor.unit_id if unit_id is None else unit_id
    found = session.execute(select(Unit.id, Unit.parent_unit_id).where(Unit.id == target)).first()
    if found is None:
        raise NotFound(f"unit {target} not found")
    parents, current = {found.id: found.parent_unit_id}, found.parent_unit_id
    for _ in range(MAX_REGION_DEPTH):  # the few units above, one by one
        if current is None or current in parents:
            break
        above = session.scalar(select(Unit.parent_unit_id).where(Unit.id == current))
        parents[current], current = above, above
    if not can_read_region(actor, found.id, _above(parents, found.id)):
        require_role(actor, *EDITORS)  # says which roles read a dashboard
        raise Forbidden("this unit is not in your region")
    return Actor(actor.username, actor.roles, target)


def _above(parents: dict[int, int | None], unit_id: int) -> list[int]:
    """The units above ``unit_id`` (its parent, the parent's parent, …), at most MAX_REGION_DEPTH, no cycle."""
    above: list[int] = []
    current = parents.get(unit_id)
    while current is not None and current != unit_id and current not in above and len(above) < MAX_REGION_DEPTH:
        above.append(current)
        current = parents.get(current)
    return above


def _in_unit(actor: Actor, column) -> list:
    return [] if actor.is_system else [column == actor.unit_id]


def _live_case_counts(session: Session, actor: Actor, column) -> dict:
    rows = session.execute(select(column, func.count()).where(
        Case.status.in_(LIVE_STATUSES), *_in_unit(actor, Case.unit_id)).group_by(column))
    return {value: count for value, count in rows}


def _overdue_by_worker(session: Session, actor: Actor, now: datetime) -> list[WorkerLoad]:
    rows = session.execute(
        select(HumanTask.assignee, HumanTask.role, func.count())
        .where(clock.overdue_condition(HumanTask.status, HumanTask.due_at, now), *_in_unit(actor, HumanTask.unit_id))
        .group_by(HumanTask.assignee, HumanTask.role))
    loads = [WorkerLoad(assignee, role, count) for assignee, role, count in rows]
    return sorted(loads, key=lambda w: (-w.overdue, w.assignee is None, w.assignee or "", w.role or ""))


def _task_deadlines(session: Session, actor: Actor, start: datetime, end: datetime) -> list[Deadline]:
    rows = session.execute(
        select(HumanTask, Case.pm_name, Case.kategori_usia, Case.risk_level, Case.stage)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.status == TASK_OPEN, HumanTask.due_at >= start, HumanTask.due_at < end,
               *_in_unit(actor, HumanTask.unit_id)))
    return [Deadline(task.case_id, name, usia, risk, stage, task.due_at, "task", task.id, task.name, task.assignee)
            for task, name, usia, risk, stage in rows]


def _people_and_cases(session: Session, actor: Actor) -> dict:
    """Live cases, and the people they are for: a case response or a re-admission of the same PM
    is another case but not another person."""
    live = [Case.status.in_(LIVE_STATUSES), *_in_unit(actor, Case.unit_id)]
    cases, people = session.execute(select(func.count(), func.count(func.distinct(Case.pm_id))).where(*live)).one()
    responses = session.scalar(select(func.count()).where(*live, Case.process_key == CASE_RESPONSE))
    return {"live_cases": cases, "live_people": people, "live_case_responses": responses or 0}


def _timer_deadlines(session: Session, actor: Actor, start: datetime, end: datetime) -> list[Deadline]:
    """Timers in the window whose firing opens work (a user task right after them, such as the
    monthly monitoring); a timer that only moves the process on (the programme's end) is not a deadline."""
    cases = session.scalars(select(Case).where(
        Case.status.in_(LIVE_STATUSES), Case.next_timer_at >= start, Case.next_timer_at < end,
        *_in_unit(actor, Case.unit_id)))
    found = []
    for case in cases:
        wf = workflow_state.load(case.state, versions.compiled(session, case.process_version_id).specs)
        for task in wf.event_manager.tasks.values():
            due = case_sync.timer_due(task)
            if due is not None and start <= due < end and _opens_work(task.task_spec):
                found.append(Deadline(case.id, case.pm_name, case.kategori_usia, case.risk_level, case.stage, due,
                                      "timer", task_name=task.task_spec.bpmn_name or task.task_spec.bpmn_id))
    return found


def _opens_work(spec) -> bool:
    return any(getattr(nxt, "manual", False) for nxt in spec.outputs)


def _counts_at_open_tasks(session: Session, actor: Actor, process_key: str) -> dict[str, int]:
    rows = session.execute(
        select(HumanTask.element_id, func.count(func.distinct(HumanTask.case_id)))
        .where(HumanTask.status == TASK_OPEN, HumanTask.process_key == process_key,
               *_in_unit(actor, HumanTask.unit_id))
        .group_by(HumanTask.element_id))
    return {element_id: count for element_id, count in rows}


def _waiting_elements_of_idle_cases(session: Session, actor: Actor, process_key: str) -> list[str]:
    """One element per waiting event of each live case that has no open task (e.g. waiting out the
    programme period). Only these cases' states are loaded; boundary events are not places to stand."""
    has_task = select(HumanTask.id).where(and_(HumanTask.case_id == Case.id, HumanTask.status == TASK_OPEN)).exists()
    idle = session.scalars(select(Case).where(
        Case.process_key == process_key, Case.status.in_(LIVE_STATUSES), ~has_task,
        *_in_unit(actor, Case.unit_id)))
    found: list[str] = []
    for case in idle:
        compiled = versions.compiled(session, case.process_version_id)
        wf = workflow_state.load(case.state, compiled.specs)
        found.extend(sorted({task.task_spec.bpmn_id for task in wf.get_tasks(state=TaskState.WAITING)
                             if _is_waiting_place(task.task_spec)}))
    return found


def element_names(xml: str, ids: set[str]) -> dict[str, str]:
    """The ``name`` of each element of ``ids`` in a BPMN file (the same for every version's layout)."""
    if not ids:
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    return {node.get("id"): " ".join((node.get("name") or "").split())
            for node in root.iter() if isinstance(node.tag, str) and node.get("id") in ids}


def _is_waiting_place(spec) -> bool:
    return (getattr(spec, "event_definition", None) is not None and not isinstance(spec, BoundaryEvent)
            and bool(getattr(spec, "bpmn_id", None)))
