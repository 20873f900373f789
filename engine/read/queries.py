"""The read side: what the inbox, the case lists and the case pages show.

Every query is scoped to the caller's unit (a worker sees only their own unit's cases) and is
written to use the indexes on ``human_tasks`` and ``cases``: the default inbox is two index range
scans, (status, unit_id, role, due_at) and (assignee, status, due_at), merged by the planner.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, bindparam, exists, false, func, or_, select, true, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, defer, sessionmaker

from engine import clock
from engine.alerts import overdue
from engine.cases import handover, history, shown
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.cases.numbers import case_id_of
from engine.cases.runtime import form_schema
from engine.definitions import deployments, versions
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.people.access import Actor, require_role, require_unit
from engine.pms import duplicates
from engine.privacy import access_log, need_to_know
from engine.storage.models import (
    Alert,
    Case,
    CaseHandover,
    CaseMessageWait,
    HistoryEvent,
    HumanTask,
    Incident,
    ProcessFile,
    ProcessVersion,
)
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import (
    CASE_SUSPENDED,
    EDITORS,
    HANDOVER_PENDING,
    INCIDENT_OPEN,
    TASK_CANCELLED,
    TASK_COMPLETED,
    TASK_OPEN,
    URGENT_PRIORITY,
)

MAX_PER_PAGE = 200
# sort name -> (column, descending) pairs; ids break ties so paging is stable
SORT_KEYS = {
    "due": (("due_at", False), ("id", False)),
    "-due": (("due_at", True), ("id", True)),
    "priority": (("priority", False), ("due_at", False), ("id", False)),
    "-priority": (("priority", True), ("due_at", False), ("id", False)),
    "created": (("created_at", False), ("id", False)),
    "-created": (("created_at", True), ("id", True)),
}


def _order(columns, sort: str) -> list:
    return [columns[name].desc() if descending else columns[name].asc() for name, descending in SORT_KEYS[sort]]


TASK_SORTS = {name: tuple(_order(HumanTask.__table__.c, name)) for name in SORT_KEYS}
CASE_COLUMNS = (Case.pm_name, Case.pm_nik, Case.kategori_usia, Case.risk_level)  # shown beside each task
TASKS = HumanTask.__table__
CASE_LISTED = tuple(column for column in Case.__table__.c if column.key != "state")  # the state is large
# Lists show a NIK masked except its last four digits (need to know); a case's own page shows it whole.
LISTED_CASE_COLUMNS = tuple(need_to_know.masked_nik_column(c) if c.key == "pm_nik" else c for c in CASE_COLUMNS)
CASES_LISTED = tuple(need_to_know.masked_nik_column(c) if c.key == "pm_nik" else c for c in CASE_LISTED)


# An alert about a task closes with the task: once it is completed or cancelled the alert is no work.
ALERT_OF_OPEN_WORK = ~exists().where(HumanTask.id == Alert.task_id,
                                     HumanTask.status.in_((TASK_COMPLETED, TASK_CANCELLED)))


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = 50

    def __post_init__(self):
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidInput("bad paging", {"page": ["page >= 1, 1 <= per_page <= 200"]})

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


# A name search counts its matches up to this many ("more than 1,000" says enough): an exact count of a
# common name across a million cases reads every matching row (bench/scale.py).
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int
    total_exact: bool = True  # False: more than `total` match (a name search counts up to COUNT_CAP)


@dataclass(frozen=True)
class TaskFilter:
    """Inbox filters. With no assignee, role, unassigned or case the inbox shows what the caller can
    act on: tasks assigned to them, and unclaimed tasks of their roles in their unit."""

    assignee: str | None = None  # "me" or a username
    role: str | None = None
    unassigned: bool | None = None
    status: str = TASK_OPEN
    case_id: int | None = None
    process: str | None = None
    stage: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    overdue: bool | None = None
    sort: str = "due"
    paging: Paging = field(default_factory=Paging)

    @property
    def actionable_only(self) -> bool:
        who = (self.assignee, self.role, self.unassigned, self.case_id)
        return all(value is None for value in who)


@dataclass(frozen=True)
class CaseFilter:
    stage: str | None = None
    status: str | None = None
    risk: str | None = None
    unit_id: int | None = None
    process: str | None = None
    overdue: bool | None = None
    text: str | None = None
    paging: Paging = field(default_factory=Paging)


@contextmanager
def detached_read(session_factory: sessionmaker):
    """A read-only unit of work whose loaded rows stay readable after it ends (they are detached
    before the closing rollback would expire them)."""
    with UnitOfWork(session_factory, write=False) as uow:
        yield uow
        uow.session.expunge_all()


class Queries:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def _read(self):
        return detached_read(self.session_factory)

    # --- tasks -------------------------------------------------------------------------------------

    def inbox(self, actor: Actor, wanted: TaskFilter) -> Page:
        if wanted.sort not in TASK_SORTS:
            raise InvalidInput("unknown sort", {"sort": [f"one of {', '.join(TASK_SORTS)}"]})
        base, branches = _task_conditions(actor, wanted)
        conditions, paging = [*base, or_(*branches)], wanted.paging
        with self._read() as uow:
            session = uow.session
            urgent = HumanTask.priority == URGENT_PRIORITY
            total, n_urgent = session.execute(select(func.count(), func.count().filter(urgent))
                                              .select_from(HumanTask).where(*conditions)).one()
            tasks = _urgent_first(session, wanted, base, branches, n_urgent) if total > paging.offset else []
            facts = _case_facts(session, {task["case_id"] for task in tasks})
            return Page([_task_view(task, facts[task["case_id"]]) for task in tasks], total, paging.page,
                        paging.per_page)

    def task(self, actor: Actor, task_id: str) -> dict:
        """The task, its form, and its current data (the workflow's data for an open task)."""
        with self._read() as uow:
            session = uow.session
            row = session.execute(select(TASKS, *CASE_COLUMNS, Case.process_version_id,
                                         Case.status.label("case_status"))
                                  .join(Case, Case.id == HumanTask.case_id).where(HumanTask.id == task_id)
                                  ).mappings().first()
            if row is None:
                raise NotFound(f"task {task_id} not found")
            require_unit(actor, row["unit_id"])
            need_to_know.require_can_read(actor, row["case_status"])
            task, version_id = dict(row), row["process_version_id"]
            data = _need_to_know(session, actor, task["case_id"], task["unit_id"], version_id,
                                 _task_data(session, task, version_id))
            version = versions.compiled(session, version_id)
            shows, banner = shown.shown(version.element(task["element_id"]), data, version.forms)
            result = {**_task_view(task, {}), "form_schema": form_schema(session, version_id, task["form"]),
                      "data": data, "shows": shows, "banner": banner}
        access_log.note(self.session_factory, actor, "read", "task", task_id, task["case_id"], task["unit_id"])
        return result

    # --- cases -------------------------------------------------------------------------------------

    def cases(self, actor: Actor, wanted: CaseFilter) -> Page:
        conditions = _case_conditions(actor, wanted)
        capped = _name_search(wanted.text)
        matching = select(Case.id).where(*conditions)
        with self._read() as uow:
            total = uow.session.scalar(select(func.count()).select_from(
                (matching.limit(COUNT_CAP + 1) if capped else matching).subquery())) or 0
            rows = uow.session.execute(select(*CASES_LISTED).where(*conditions).order_by(Case.id.desc())
                                       .offset(wanted.paging.offset).limit(wanted.paging.per_page)).all()
            # rows read like the case (case.pm_name), without its large workflow state
            return Page(list(rows), min(total, COUNT_CAP) if capped else total, wanted.paging.page,
                        wanted.paging.per_page, total_exact=not capped or total <= COUNT_CAP)

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

    # --- alerts and incidents ----------------------------------------------------------------------

    def alerts(self, actor: Actor, acked: bool | None = False, paging: Paging | None = None) -> Page:
        paging = paging or Paging()
        # a suspended case's work has stopped (consent withdrawn): its alerts leave the inbox too
        conditions = [_alert_recipient(actor), ~exists().where(Case.id == Alert.case_id, Case.status == CASE_SUSPENDED),
                      ALERT_OF_OPEN_WORK]
        if acked is not None:
            conditions.append(Alert.acked_at.is_not(None) if acked else Alert.acked_at.is_(None))
        with self._read() as uow:
            total = uow.session.scalar(select(func.count()).select_from(Alert).where(*conditions))
            rows = uow.session.scalars(select(Alert).where(*conditions).order_by(Alert.id.desc())
                                       .offset(paging.offset).limit(paging.per_page)).all()
            return Page(list(rows), total or 0, paging.page, paging.per_page)

    def open_work(self, actor: Actor, case_ids: list[int]) -> dict[int, dict]:
        """Per case of the actor's unit: who holds its open tasks and how many are overdue (a case
        list's columns, read for one page of cases at once)."""
        work = {case_id: {"assignees": [], "overdue": 0, "open": 0} for case_id in case_ids}
        if not case_ids:
            return work
        with self._read() as uow:
            rows = uow.session.execute(select(HumanTask.case_id, HumanTask.assignee, HumanTask.due_at).where(
                HumanTask.case_id.in_(case_ids), HumanTask.unit_id == actor.unit_id, HumanTask.status == TASK_OPEN))
            for case_id, assignee, due_at in rows:
                entry = work[case_id]
                entry["open"] += 1
                entry["overdue"] += clock.is_overdue(TASK_OPEN, due_at)
                if assignee and assignee not in entry["assignees"]:
                    entry["assignees"].append(assignee)
        return work

    def due_times(self, actor: Actor, alerts: list) -> dict[int, datetime]:
        """alert id -> when the work of each of these alerts of the actor's unit is due (alert_due_times)."""
        seen = [(a.id, a.task_id, a.dedup_key) for a in alerts]
        with self._read() as uow:
            return alert_due_times(uow.session, seen, actor.unit_id)

    def incidents(self, actor: Actor, status: str | None = INCIDENT_OPEN, paging: Paging | None = None) -> Page:
        require_role(actor, *EDITORS)
        paging = paging or Paging()
        conditions = [Case.unit_id == actor.unit_id] if not actor.is_system else []
        if status:
            conditions.append(Incident.status == status)
        with self._read() as uow:
            query = select(Incident).join(Case, Case.id == Incident.case_id).where(*conditions)
            total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
            rows = uow.session.scalars(query.order_by(Incident.id.desc())
                                       .offset(paging.offset).limit(paging.per_page)).all()
            return Page(list(rows), total or 0, paging.page, paging.per_page)

    def incident(self, actor: Actor, incident_id: int) -> Incident:
        with self._read() as uow:
            incident = uow.session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id} not found")
            require_role(actor, *EDITORS)
            _visible_case(uow.session, actor, incident.case_id)
            return incident

    # --- process definitions -----------------------------------------------------------------------

    def definitions(self, actor: Actor | None = None) -> list[dict]:
        """Each process key with its versions (those the actor may see), oldest first, and the cases
        running on each."""
        with self._read() as uow:
            by_key: dict[str, dict] = {}
            for version, running in deployments.list_versions(uow.session, actor):
                entry = by_key.setdefault(version.process_key, {"key": version.process_key, "versions": []})
                entry.update(name=version.name)
                entry["versions"].append({**_columns(version), "running_cases": running})
            scope = deployments.scope_of(actor) if actor is not None else None
            for key, entry in by_key.items():  # the version the caller's new cases start on
                current = deployments.newest(uow.session, key, scope)
                entry["latest_version"] = current.version if current else entry["versions"][-1]["version"]
            return list(by_key.values())

    def version_bpmn(self, process_key: str, version: int, actor: Actor | None = None) -> str:
        with self._read() as uow:
            query = select(ProcessVersion.id).where(ProcessVersion.process_key == process_key,
                                                    ProcessVersion.version == version)
            version_id = uow.session.scalar(query.where(deployments.visible_to(actor)) if actor else query)
            if version_id is None:
                raise NotFound(f"process {process_key!r} has no version {version}")
            return bpmn_xml(uow.session, version_id, process_key)


# --- building blocks ---------------------------------------------------------------------------

_CASE_ID = bindparam("case_id")
# Built once: a case page is seven small indexed reads, and building statements costs more than running them.
CASE_DETAIL = {
    "case": select(*CASE_LISTED, ProcessVersion.version)
    .join(ProcessVersion, ProcessVersion.id == Case.process_version_id).where(Case.id == _CASE_ID),
    "open_tasks": select(TASKS).where(HumanTask.case_id == _CASE_ID, HumanTask.status == TASK_OPEN)
    .order_by(*TASK_SORTS["due"]),
    "incidents": select(Incident.__table__).where(Incident.case_id == _CASE_ID).order_by(Incident.id),
    "alerts": select(Alert.__table__).where(Alert.case_id == _CASE_ID, Alert.acked_at.is_(None), ALERT_OF_OPEN_WORK)
    .order_by(Alert.id),
    # cases.parent_case_id has no index yet; a child is always newer than its parent, so only the
    # primary-key range after the case is scanned (short for the recent cases people work on)
    "child_case_ids": select(Case.id).where(Case.id > _CASE_ID, Case.parent_case_id == _CASE_ID).order_by(Case.id),
    "waiting_for": select(CaseMessageWait.message_name).where(CaseMessageWait.case_id == _CASE_ID)
    .order_by(CaseMessageWait.message_name),
}


def alert_due_times(session: Session, alerts: list[tuple], unit_id: int | None = None) -> dict[int, datetime]:
    """alert id -> when its open task or pending transfer or referral is due, for (alert id, task id,
    dedup key) triples: the pages say how late the work is now, not what the alert said when raised.
    ``unit_id`` keeps to the work of one unit (the inbox's)."""
    tasks = {task_id: alert_id for alert_id, task_id, _ in alerts if task_id}
    handovers = {overdue.handover_of(key): alert_id for alert_id, task_id, key in alerts if not task_id}
    handovers.pop(None, None)
    due = {}
    if tasks:
        query = select(HumanTask.id, HumanTask.due_at).where(HumanTask.id.in_(tasks))
        if unit_id is not None:
            query = query.where(HumanTask.unit_id == unit_id)
        due.update({tasks[task_id]: due_at for task_id, due_at in session.execute(query)})
    if handovers:
        query = select(CaseHandover.id, CaseHandover.due_at).where(
            CaseHandover.id.in_(handovers), CaseHandover.status == HANDOVER_PENDING)
        if unit_id is not None:
            query = query.where(CaseHandover.to_unit_id == unit_id)
        due.update({handovers[handover_id]: due_at for handover_id, due_at in session.execute(query)})
    return {alert_id: due_at for alert_id, due_at in due.items() if due_at is not None}


def _with_due_times(session: Session, alerts: list[dict]) -> list[dict]:
    due = alert_due_times(session, [(a["id"], a["task_id"], a["dedup_key"]) for a in alerts])
    return [{**alert, "due_at": due.get(alert["id"])} for alert in alerts]


def _run_detail(session: Session, params: dict, name: str):
    return session.execute(CASE_DETAIL[name], params)


def _task_conditions(actor: Actor, wanted: TaskFilter) -> tuple[list, list]:
    """The filters, and the alternatives of whose tasks they are (the default inbox has two: the
    caller's own, and their roles' unclaimed ones; each is one range of an index)."""
    conditions = [HumanTask.unit_id == actor.unit_id] if not actor.is_system else []
    if wanted.status != "any":
        conditions.append(HumanTask.status == wanted.status)
    branches = [true()]
    if wanted.actionable_only:
        branches = [HumanTask.assignee == actor.username,
                    and_(HumanTask.assignee.is_(None), HumanTask.role.in_(actor.roles))]
    if wanted.assignee is not None:
        username = actor.username if wanted.assignee == "me" else wanted.assignee
        conditions.append(HumanTask.assignee == username)
    if wanted.unassigned is not None:
        nobody = HumanTask.assignee.is_(None)
        conditions.append(nobody if wanted.unassigned else ~nobody)
    optional = {HumanTask.role: wanted.role, HumanTask.case_id: wanted.case_id,
                HumanTask.process_key: wanted.process, HumanTask.stage: wanted.stage}
    conditions += [column == value for column, value in optional.items() if value is not None]
    if wanted.due_before is not None:
        conditions.append(HumanTask.due_at < wanted.due_before)
    if wanted.due_after is not None:
        conditions.append(HumanTask.due_at >= wanted.due_after)
    if wanted.overdue is not None:
        late = clock.overdue_condition(HumanTask.status, HumanTask.due_at)
        conditions.append(late if wanted.overdue else ~late)
    return conditions, branches


def _urgent_first(session, wanted: TaskFilter, base: list, branches: list, n_urgent: int) -> list:
    """Urgent tasks (a crisis triage) head the inbox whatever the chosen sort; each part is read in
    that sort. The urgent part is small, so the rest still pages in index order."""
    urgent = HumanTask.priority == URGENT_PRIORITY
    paging = wanted.paging
    rows = []
    if paging.offset < n_urgent:
        rows += session.execute(_page(wanted, [*base, urgent], branches, paging.offset, paging.per_page)).mappings()
    rest_offset, rest_limit = max(paging.offset - n_urgent, 0), paging.per_page - len(rows)
    if rest_limit > 0:
        rows += session.execute(_page(wanted, [*base, ~urgent], branches, rest_offset, rest_limit)).mappings()
    return rows


def _page(wanted: TaskFilter, base: list, branches: list, offset: int, limit: int):
    """One page of tasks. With two alternatives, each is read in index order up to the page's end
    and the two heads are merged, instead of sorting every matching row."""
    if len(branches) == 1:
        return (select(TASKS).where(*base, *branches).order_by(*TASK_SORTS[wanted.sort])
                .offset(offset).limit(limit))
    keys = [HumanTask.__table__.c[name] for name in {"id", *(n for n, _ in SORT_KEYS[wanted.sort])}]
    heads = union_all(*(select(select(*keys).where(*base, who).order_by(*TASK_SORTS[wanted.sort])
                               .limit(offset + limit).subquery()) for who in branches)).subquery()
    ids = select(heads.c.id).order_by(*_order(heads.c, wanted.sort)).offset(offset).limit(limit)
    return select(TASKS).where(HumanTask.id.in_(ids)).order_by(*TASK_SORTS[wanted.sort])


def _case_conditions(actor: Actor, wanted: CaseFilter) -> list:
    if wanted.unit_id is not None:
        require_unit(actor, wanted.unit_id)
    conditions = [Case.unit_id == actor.unit_id] if not actor.is_system else []
    optional = {Case.stage: wanted.stage, Case.status: wanted.status, Case.risk_level: wanted.risk,
                Case.unit_id: wanted.unit_id, Case.process_key: wanted.process}
    conditions += [column == value for column, value in optional.items() if value is not None]
    if wanted.overdue is not None:
        late = exists().where(HumanTask.case_id == Case.id, clock.overdue_condition(HumanTask.status, HumanTask.due_at))
        conditions.append(late if wanted.overdue else ~late)
    if wanted.text and wanted.text.strip():
        text = wanted.text.strip()
        by_number = case_id_of(text)
        if by_number is not None:  # a case number, K-000123
            conditions.append(Case.id == by_number)
        elif not _name_search(text):  # a NIK or its first digits (ix_cases_pm_nik); names have no digits
            conditions.append(Case.pm_nik.startswith(text, autoescape=True))
        else:  # a name anywhere in pm_name (ix_cases_pm_name_trgm on PostgreSQL)
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(Case.pm_name.ilike(pattern, escape="\\"))
    return conditions


def _name_search(text: str | None) -> bool:
    """A search by a name, not by a case number (K-000123) or a NIK."""
    text = (text or "").strip()
    return bool(text) and case_id_of(text) is None and not text.isdigit()


def _alert_recipient(actor: Actor):
    if actor.is_system:
        return Alert.id.is_not(None)
    for_role = and_(Alert.recipient.is_(None), Alert.unit_id == actor.unit_id,
                    Alert.recipient_role.in_(actor.roles)) if actor.roles else false()
    return or_(and_(Alert.recipient == actor.username, Alert.unit_id == actor.unit_id), for_role)


def _visible_case(session: Session, actor: Actor, case_id: int, with_state: bool = False) -> Case:
    """The case, checked against the caller's unit. Its workflow state (large) only when asked for."""
    query = select(Case).where(Case.id == case_id)
    case = session.scalars(query if with_state else query.options(defer(Case.state))).first()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    require_unit(actor, case.unit_id)
    need_to_know.require_can_read(actor, case.status)
    return case


def _visible_case_or_former(session: Session, actor: Actor, case_id: int) -> tuple[Case, int | None]:
    """``_visible_case``, or for the unit that transferred the case away, the case and the moment of
    the transfer (engine.cases.handover)."""
    try:
        return _visible_case(session, actor, case_id), None
    except Forbidden:
        case = session.get(Case, case_id)
        cutoff = handover.former_unit_cutoff(session, actor, case_id, case.unit_id)
        if cutoff is None:
            raise
        return case, cutoff


def _case_facts(session: Session, case_ids: set[int]) -> dict[int, dict]:
    """What a task listing shows of each task's case, for one page of tasks (not joined: the page is
    chosen from the task indexes alone, then at most per_page cases are read by primary key)."""
    if not case_ids:
        return {}
    rows = session.execute(select(Case.id, *LISTED_CASE_COLUMNS).where(Case.id.in_(sorted(case_ids)))).mappings()
    return {row["id"]: {column.key: row[column.key] for column in CASE_COLUMNS} for row in rows}


def _task_view(task, case_facts: dict) -> dict:
    """A task row as listed: its columns, what it shows of its case, and whether it is overdue."""
    return {**task, **case_facts, "overdue": clock.is_overdue(task["status"], task["due_at"])}


def _hidden_fields(session: Session, actor: Actor, case_id: int, unit_id: int, version_id: int) -> frozenset:
    """The sensitive fields the caller may not see on this case (none when they need to know)."""
    names = need_to_know.case_sensitive_fields(session, case_id, version_id)
    if not names or need_to_know.may_see_sensitive(session, actor, case_id, unit_id):
        return frozenset()
    return names


def _need_to_know(session: Session, actor: Actor, case_id: int, unit_id: int, version_id: int, data: dict) -> dict:
    names = _hidden_fields(session, actor, case_id, unit_id, version_id)
    return need_to_know.masked(data, names) if names else data


UNREAD_COLUMNS = {"spec", "meta", "state"}  # large; never part of a listing


def _columns(row) -> dict:
    mapper = sa_inspect(row).mapper
    return {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs if attr.key not in UNREAD_COLUMNS}


def _task_data(session: Session, task: dict, version_id: int) -> dict:
    if task["status"] != TASK_OPEN:
        done = session.scalars(select(HistoryEvent.data).where(
            HistoryEvent.case_id == task["case_id"], HistoryEvent.task_id == task["id"],
            HistoryEvent.kind == "task_completed").order_by(HistoryEvent.id.desc()).limit(1)).first()
        return dict(done or {})
    state = session.scalar(select(Case.state).where(Case.id == task["case_id"]))
    wf = workflow_state.load(state, versions.compiled(session, version_id).specs)
    spiff_task = case_sync.task_by_id(wf, task["id"])
    return dict(spiff_task.data) if spiff_task is not None else {}


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


def bpmn_xml(session: Session, version_id: int, process_key: str) -> str:
    """The BPMN file of a version that defines the process (a bundle may hold several)."""
    files = session.scalars(select(ProcessFile).where(
        ProcessFile.version_id == version_id, ProcessFile.kind == "bpmn").order_by(ProcessFile.name)).all()
    marker = f'id="{process_key}"'.encode()
    chosen = next((f for f in files if marker in f.content), files[0] if files else None)
    if chosen is None:
        raise NotFound(f"version {version_id} has no BPMN file")
    return chosen.content.decode("utf-8")
