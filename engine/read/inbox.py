"""The inbox and a task's page: the caller's tasks, filtered and sorted, and one task with its form.

The default inbox is two index-only range scans of the open tasks, (unit_id, role, due_at) and
(assignee, due_at) on PostgreSQL, merged by the planner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select, true, union_all
from sqlalchemy.orm import Session

from engine import clock
from engine.cases import shown
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.cases.runtime import form_schema
from engine.definitions import versions
from engine.errors import InvalidInput, NotFound
from engine.people.access import Actor, require_unit
from engine.privacy import access_log, need_to_know
from engine.read.reading import Page, Paging, Reader
from engine.read.visibility import _need_to_know
from engine.storage.models import (
    Case,
    HistoryEvent,
    HumanTask,
)
from engine.vocabulary import (
    TASK_OPEN,
    URGENT_PRIORITY,
)

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
# 'open' written into the statement, not bound: the open-task indexes are partial (status = 'open'),
# which a plan can use only for a value it sees (psycopg prepares a statement run five times).
IS_OPEN = HumanTask.status == bindparam("open_status", TASK_OPEN, literal_execute=True)
# Lists show a NIK masked except its last four digits (need to know); a case's own page shows it whole.
LISTED_CASE_COLUMNS = tuple(need_to_know.masked_nik_column(c) if c.key == "pm_nik" else c for c in CASE_COLUMNS)


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


class InboxQueries(Reader):
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
            return Page([_task_view(task, {}) for task in tasks], total, paging.page, paging.per_page)

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


def _task_conditions(actor: Actor, wanted: TaskFilter) -> tuple[list, list]:
    """The filters, and the alternatives of whose tasks they are (the default inbox has two: the
    caller's own, and their roles' unclaimed ones; each is one range of an index)."""
    conditions = [HumanTask.unit_id == actor.unit_id] if not actor.is_system else []
    if wanted.status != "any":
        conditions.append(IS_OPEN if wanted.status == TASK_OPEN else HumanTask.status == wanted.status)
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
    """One page of tasks with what each shows of its case. The page's ids are chosen from the task
    indexes alone (with two alternatives, each is read in index order up to the page's end and the
    two heads are merged, instead of sorting every matching row); then only its tasks and their
    cases are read, by primary key, in the same statement."""
    if len(branches) == 1:
        ids = (select(HumanTask.id).where(*base, *branches).order_by(*TASK_SORTS[wanted.sort])
               .offset(offset).limit(limit))
    else:
        keys = [HumanTask.__table__.c[name] for name in {"id", *(n for n, _ in SORT_KEYS[wanted.sort])}]
        heads = union_all(*(select(select(*keys).where(*base, who).order_by(*TASK_SORTS[wanted.sort])
                                   .limit(offset + limit).subquery()) for who in branches)).subquery()
        ids = select(heads.c.id).order_by(*_order(heads.c, wanted.sort)).offset(offset).limit(limit)
    return (select(TASKS, *LISTED_CASE_COLUMNS).join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.id.in_(ids)).order_by(*TASK_SORTS[wanted.sort]))


def _task_view(task, case_facts: dict) -> dict:
    """A task row as listed: its columns, what it shows of its case, and whether it is overdue."""
    return {**task, **case_facts, "overdue": clock.is_overdue(task["status"], task["due_at"])}


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


