"""Moving running cases from one version of a process to another, and back.

A dry run says, per case, whether it can move and why not. A migration moves the movable ones,
each case in its own transaction: a case that fails is left exactly as it was, with the reason.
Every move is recorded in the case's history with the migration's id, and can be undone back to
the version the case came from (the undo is recorded too).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import durations
from engine.cases import history
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.cases.rebinding import Blocker, blockers, rebind
from engine.cases.runtime import latest_version
from engine.definitions import versions
from engine.definitions.diff import find_version
from engine.errors import Conflict, EngineError, NotFound, plain_message
from engine.people.access import Actor, require_role, require_unit
from engine.storage.models import Case, HistoryEvent, HumanTask, ProcessVersion
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import CASE_COMPLETED, CASE_INCIDENT, CASE_SUSPENDED, EDITORS, TASK_OPEN

MIGRATED, UNDONE = "case_migrated", "case_migration_undone"
# what became of each case in a move (dry run or real)
MOVE_MOVABLE, MOVE_BLOCKED, MOVE_MIGRATED = "movable", "blocked", "migrated"
MOVE_FAILED, MOVE_UNDONE = "failed", "undone"
MOVE_STATUSES = (MOVE_MOVABLE, MOVE_BLOCKED, MOVE_MIGRATED, MOVE_FAILED, MOVE_UNDONE)
Progress = Callable[[int], None]  # called with the number of cases just handled


@dataclass
class CaseMove:
    case_id: int
    pm_name: str
    from_version: int
    to_version: int
    open_tasks: list[str]
    status: str  # movable | blocked | migrated | failed | undone
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def can_move(self) -> bool:
        return not self.blockers

    def to_dict(self) -> dict:
        return {"case_id": self.case_id, "pm_name": self.pm_name, "from_version": self.from_version,
                "to_version": self.to_version, "open_tasks": self.open_tasks, "status": self.status,
                "can_move": self.can_move, "reasons": [b.to_dict() for b in self.blockers]}


@dataclass
class MigrationReport:
    migration_id: str
    process_key: str
    to_version: int
    dry_run: bool
    cases: list[CaseMove]

    def count(self, status: str) -> int:
        return sum(1 for c in self.cases if c.status == status)

    def to_dict(self) -> dict:
        counts = {s: self.count(s) for s in MOVE_STATUSES}
        return {"migration_id": self.migration_id, "process_key": self.process_key,
                "to_version": self.to_version, "dry_run": self.dry_run, "counts": counts,
                "cases": [c.to_dict() for c in self.cases]}


class CaseMigrations:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def dry_run(self, process_key: str, actor: Actor, to_version: int | None = None,
                from_version: int | None = None, case_ids: Iterable[int] | None = None) -> MigrationReport:
        """Which running cases could move to `to_version` (default: the newest), and why not."""
        require_role(actor, *EDITORS)
        with UnitOfWork(self.session_factory, write=False) as uow:
            target = _target(uow.session, process_key, to_version, actor)
            pairs = _candidates(uow.session, process_key, target, to_version, from_version, case_ids, actor)
            moves = [_plan(uow.session, uow.session.get(Case, case_id), versions.compiled(uow.session, target_id))[0]
                     for case_id, target_id in pairs]
            number = target.version
        return MigrationReport(uuid.uuid4().hex, process_key, number, True, moves)

    def migrate(self, process_key: str, actor: Actor, to_version: int | None = None,
                from_version: int | None = None, case_ids: Iterable[int] | None = None,
                progress: Progress | None = None) -> MigrationReport:
        """Move every movable case, one transaction per case; the others stay with their reasons.
        Each case is checked again under its row lock, so a case that moved on since a dry run is
        judged as it is now."""
        require_role(actor, *EDITORS)
        with UnitOfWork(self.session_factory, write=False) as uow:
            target = _target(uow.session, process_key, to_version, actor)
            pairs = _candidates(uow.session, process_key, target, to_version, from_version, case_ids, actor)
            number = target.version
        migration_id, moves = uuid.uuid4().hex, []
        for case_id, target_id in pairs:
            moves.append(self._move_one(case_id, target_id, actor, migration_id, undo_of=None))
            if progress:
                progress(1)
        return MigrationReport(migration_id, process_key, number, False, moves)

    def count(self, process_key: str, actor: Actor, to_version: int | None = None,
              from_version: int | None = None, case_ids: Iterable[int] | None = None) -> int:
        """How many running cases a migration would look at (for a progress bar)."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            target = _target(uow.session, process_key, to_version, actor)
            return len(_candidates(uow.session, process_key, target, to_version, from_version, case_ids, actor))

    def undo(self, migration_id: str, actor: Actor, progress: Progress | None = None) -> MigrationReport:
        """Move every case of one migration back to the version it came from."""
        require_role(actor, *EDITORS)
        with UnitOfWork(self.session_factory, write=False) as uow:
            events = _events_of(uow.session, migration_id)
            if not events:
                raise NotFound(f"migration {migration_id} not found")
            key, back_to = events[0].data.get("process_key", ""), events[0].data.get("from_version", 0)
            case_ids = [event.case_id for event in events]
        moves = []
        for case_id in case_ids:
            moves.append(self._undo_one(case_id, actor, migration_id))
            if progress:
                progress(1)
        return MigrationReport(migration_id, key, back_to, False, moves)

    def undo_case(self, case_id: int, actor: Actor) -> CaseMove:
        """Move one case back to the version its last migration took it from."""
        require_role(actor, *EDITORS)
        return self._undo_one(case_id, actor, None)

    # --- one case, one transaction -------------------------------------------------------------

    def _move_one(self, case_id: int, target_id: int, actor: Actor, migration_id: str,
                  undo_of: int | None) -> CaseMove:
        with UnitOfWork(self.session_factory) as uow:
            session = uow.session
            case = uow.lock_case(case_id)
            require_unit(actor, case.unit_id)
            target = versions.compiled(session, target_id)
            move, wf = _plan(session, case, target)
            if not move.can_move:
                return move
            source = versions.compiled(session, case.process_version_id)
            try:
                _apply(session, case, wf, source, target, actor)
            except Exception as exc:  # noqa: BLE001 - the case stays as it was; the reason is reported
                reason = str(exc) if isinstance(exc, EngineError) else case_sync.incident_message(exc)
                move.status, move.blockers = MOVE_FAILED, [Blocker(None, reason)]
                return move
            _record(session, case, source, target, actor, migration_id, undo_of)
            uow.commit()
            move.status = MOVE_UNDONE if undo_of is not None else MOVE_MIGRATED
            return move

    def _undo_one(self, case_id: int, actor: Actor, migration_id: str | None) -> CaseMove:
        with UnitOfWork(self.session_factory, write=False) as uow:
            last = _last_migration_event(uow.session, case_id)
            case = uow.session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case {case_id} not found")
            require_unit(actor, case.unit_id)
            problem = _undo_problem(case, last, migration_id)
            if problem:
                back_to = last.data.get("from_version", 0) if last is not None else 0
                move = _summary(uow.session, case, back_to, MOVE_BLOCKED)
                move.blockers = [Blocker(None, problem)]
                return move
            back_to_id, undone_id, undo_of = last.data["from_version_id"], last.data["migration_id"], last.id
        return self._move_one(case_id, back_to_id, actor, undone_id, undo_of)


# --- planning ----------------------------------------------------------------------------------


def _target(session: Session, process_key: str, to_version: int | None, actor: Actor) -> ProcessVersion:
    """A version the actor may move their unit's cases to: national or their unit's own (without
    `to_version`: the newest for the actor's unit; for the system, each case's unit's own newest)."""
    if to_version:
        return find_version(session, process_key, to_version, actor)
    return latest_version(session, process_key, actor.unit_id)


def _candidates(session: Session, process_key: str, target: ProcessVersion, to_version: int | None,
                from_version: int | None, case_ids: Iterable[int] | None, actor: Actor) -> list[tuple[int, int]]:
    """(case id, target version id) of every running case to look at. Without `to_version` each case
    goes to its own unit's newest version (falling back to the national one), so that a migration run
    by the system never moves a unit's cases onto the national process over the unit's own redesign."""
    query = (select(Case.id, Case.unit_id, Case.process_version_id)
             .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
             .where(Case.process_key == process_key, Case.status != CASE_COMPLETED).order_by(Case.id))
    if from_version is not None:
        query = query.where(ProcessVersion.version == from_version)
    if case_ids is not None:
        query = query.where(Case.id.in_(list(case_ids)))
    if not actor.is_system:
        query = query.where(Case.unit_id == actor.unit_id)
    per_unit: dict[int, int] = {}

    def target_of(unit_id: int) -> int:
        if to_version or unit_id == actor.unit_id:
            return target.id
        if unit_id not in per_unit:
            per_unit[unit_id] = latest_version(session, process_key, unit_id).id
        return per_unit[unit_id]

    pairs = [(case_id, version_id, target_of(unit_id)) for case_id, unit_id, version_id in session.execute(query)]
    return [(case_id, target_id) for case_id, version_id, target_id in pairs if version_id != target_id]


def _plan(session: Session, case: Case, target: versions.CompiledVersion) -> tuple[CaseMove, object]:
    """Whether the case can move to `target`, and its workflow (restored on its own version) if so."""
    move, wf = _summary(session, case, target.version, MOVE_MOVABLE), None
    if case.status == CASE_INCIDENT:
        move.blockers.append(Blocker(None, "the case has an open incident: resolve it first"))
    elif case.status == CASE_COMPLETED:
        move.blockers.append(Blocker(None, "the case is completed"))
    elif case.status == CASE_SUSPENDED:
        move.blockers.append(Blocker(None, "the case is suspended: the PM's consent was withdrawn"))
    elif case.process_version_id == target.id:
        move.blockers.append(Blocker(None, f"the case is already on version {target.version}"))
    else:
        try:
            wf = workflow_state.load(case.state, versions.compiled(session, case.process_version_id).specs)
        except Exception as exc:  # a state that no longer restores is this case's problem, not the whole run's
            move.blockers.append(Blocker(None, f"the case's stored state cannot be read: {plain_message(str(exc))}"))
        else:
            move.blockers.extend(blockers(wf, target.specs))
    if move.blockers:
        move.status = MOVE_BLOCKED
    return move, wf


def _summary(session: Session, case: Case, to_version: int, status: str) -> CaseMove:
    names = session.scalars(select(HumanTask.name).where(
        HumanTask.case_id == case.id, HumanTask.status == TASK_OPEN).order_by(HumanTask.created_at))
    from_version = session.scalar(
        select(ProcessVersion.version).where(ProcessVersion.id == case.process_version_id))
    return CaseMove(case.id, case.pm_name, from_version, to_version, list(names), status)


# --- applying ----------------------------------------------------------------------------------


def _apply(session: Session, case: Case, wf, source, target, actor: Actor) -> None:
    rebind(wf, target.specs)
    stuck = case_sync.stuck_reason(wf)
    if stuck:  # a move must not leave the case where nothing could ever move it again
        raise Conflict(f"on version {target.version}, {stuck[1]}")
    case.process_version_id = target.id
    _refresh_open_tasks(session, case, source, target)
    case_sync.save(session, case, wf, target, actor.username)
    workflow_state.load(case.state, target.specs)  # the stored state must restore on the target


def _refresh_open_tasks(session: Session, case: Case, source, target) -> None:
    """Open tasks take the target's name, role, form, stage and due time for their element."""
    rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == TASK_OPEN))
    for row in rows:
        old, new = source.element(row.element_id), target.element(row.element_id)
        row.name = new.get("name") or row.name
        row.role, row.form = new.get("role"), new.get("form")
        row.stage = new.get("stage") or row.stage
        due_changed = (old.get("due_in"), old.get("due_date")) != (new.get("due_in"), new.get("due_date"))
        if due_changed and new.get("due_in"):
            row.due_at = durations.add_duration(row.created_at, new["due_in"])
            if not row.alerts_sent:
                row.next_alert_at = row.due_at


def _record(session: Session, case: Case, source, target, actor: Actor, migration_id: str,
            undo_of: int | None) -> None:
    data = {"migration_id": migration_id, "process_key": case.process_key,
            "from_version_id": source.id, "from_version": source.version,
            "to_version_id": target.id, "to_version": target.version}
    if undo_of is None:
        message = f"migrasi {migration_id}: versi {source.version} → versi {target.version}"
        history.record(session, case.id, actor.username, MIGRATED, message, data=data)
    else:
        message = f"migrasi {migration_id} dibatalkan: versi {source.version} → versi {target.version}"
        history.record(session, case.id, actor.username, UNDONE, message, data={**data, "undoes": undo_of})


# --- undo --------------------------------------------------------------------------------------


def _events_of(session: Session, migration_id: str) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(
        HistoryEvent.kind == MIGRATED, HistoryEvent.message.like(f"migrasi {migration_id}:%"))
        .order_by(HistoryEvent.case_id)))


def _last_migration_event(session: Session, case_id: int) -> HistoryEvent | None:
    return session.scalars(select(HistoryEvent).where(
        HistoryEvent.case_id == case_id, HistoryEvent.kind.in_((MIGRATED, UNDONE)))
        .order_by(HistoryEvent.id.desc()).limit(1)).first()


def _undo_problem(case: Case, last: HistoryEvent | None, migration_id: str | None) -> str | None:
    if case.status == CASE_SUSPENDED:
        return "the case is suspended: the PM's consent was withdrawn"
    if last is None or last.kind != MIGRATED:
        return "the case has no migration to undo"
    if migration_id is not None and last.data.get("migration_id") != migration_id:
        return "the case was migrated again since: undo its latest migration first"
    if case.process_version_id != last.data.get("to_version_id"):
        return "the case is no longer on the version it was migrated to"
    return None
