"""Who holds open tasks: the registering worker takes the new case's first task, and a supervisor
hands all open tasks of an absent worker to others at once (round-robin, or to one chosen person).
Every change is in the case's history."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from engine.cases import history
from engine.cases import sync as case_sync
from engine.cases.numbers import case_number
from engine.errors import InvalidInput
from engine.people.access import Actor, require_role, require_unit
from engine.storage.models import Case, HumanTask, User
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import LANE_ROLES, SUPERVISOR, TASK_OPEN


def give_first_tasks(session, case: Case, actor: Actor) -> list[str]:
    """The worker who registers a case takes its open tasks of their own role (a supervisor who
    registers leaves a worker's task in the queue). The ids of the tasks taken. The case was started
    in this unit of work: its task rows are still the session's, not yet written (case_sync)."""
    if actor.is_system:
        return []
    taken = []
    for row in case_sync.open_task_rows(session, case).values():
        if row.status != TASK_OPEN or row.assignee is not None:
            continue
        if row.unit_id != actor.unit_id or (row.role and not actor.has(row.role)):
            continue
        row.assignee = actor.username
        history.record(session, case.id, actor.username, "task_claimed", row.name, row.element_id, row.id,
                       {"assignee": actor.username, "reason": "registered_the_case"})
        taken.append(row.id)
    return taken


@dataclass(frozen=True)
class Move:
    """One open task of the absent worker and where it goes (None: back to its role's queue)."""

    task_id: str
    case_id: int
    case_number: str
    task: str
    role: str | None
    to: str | None


def plan_handover(session, actor: Actor, absent: str, receivers: list[str]) -> list[Move]:
    """Where each open task of ``absent`` goes: the receivers in turn (round-robin over those who
    may hold the task: its role, or a supervisor); a task nobody of them may hold goes back to its
    role's queue. No receivers named: everyone active of the unit but the absent worker."""
    require_role(actor, SUPERVISOR)
    people = _unit_people(session, actor, absent, receivers)
    tasks = session.scalars(select(HumanTask).where(HumanTask.assignee == absent, HumanTask.status == TASK_OPEN,
                                                    HumanTask.unit_id == actor.unit_id)
                            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)).all()
    load = {user.username: 0 for user in people}
    moves = []
    for task in tasks:
        able = [u.username for u in people if not task.role or task.role in u.roles or SUPERVISOR in u.roles]
        to = min(able, key=lambda name: load[name]) if able else None  # ties: the order given
        if to is not None:
            load[to] += 1
        moves.append(Move(task.id, task.case_id, case_number(task.case_id), task.name, task.role, to))
    return moves


def hand_over(session, actor: Actor, absent: str, moves: list[Move]) -> list[Move]:
    """Make the planned moves; a task that was meanwhile completed, or taken by someone else, is
    left as it is. The moves made."""
    made = []
    for move in moves:
        changed = session.execute(update(HumanTask).where(
            HumanTask.id == move.task_id, HumanTask.status == TASK_OPEN, HumanTask.assignee == absent,
        ).values(assignee=move.to)).rowcount
        if not changed:
            continue
        kind = "task_assigned" if move.to else "task_unclaimed"
        history.record(session, move.case_id, actor.username, kind, move.task, None, move.task_id,
                       {"assignee": move.to, "from": absent, "reason": "absent"})
        made.append(move)
    return made


def as_dicts(moves: list[Move]) -> list[dict]:
    return [asdict(move) for move in moves]


def _unit_people(session, actor: Actor, absent: str, receivers: list[str]) -> list[User]:
    user = session.scalars(select(User).where(User.username == absent)).first()
    if user is None:
        raise InvalidInput("no such user", {"from": [f"no user {absent!r}"]})
    require_unit(actor, user.unit_id)
    if absent in receivers:
        raise InvalidInput("the absent worker cannot receive", {"to": [f"{absent!r} is the one who is away"]})
    query = select(User).where(User.unit_id == actor.unit_id, User.active.is_(True), User.username != absent)
    people = {u.username: u for u in session.scalars(query)}
    unknown = [name for name in receivers if name not in people]
    if unknown:
        raise InvalidInput("not an active user of the unit", {"to": [f"no active user {n!r} in this unit"
                                                                    for n in unknown]})
    chosen = [people[name] for name in receivers] if receivers else sorted(people.values(), key=lambda u: u.username)
    return [u for u in chosen if set(u.roles) & set(LANE_ROLES)]  # an admin alone works no task


class Reassignments:
    """The supervisor's handing over of an absent worker's open tasks: a preview, then the moves."""

    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def preview(self, actor: Actor, absent: str, receivers: list[str]) -> list[Move]:
        with UnitOfWork(self.session_factory, write=False) as uow:
            return plan_handover(uow.session, actor, absent, receivers)

    def apply(self, actor: Actor, absent: str, receivers: list[str]) -> list[Move]:
        with UnitOfWork(self.session_factory) as uow:
            made = hand_over(uow.session, actor, absent, plan_handover(uow.session, actor, absent, receivers))
            uow.commit()
            return made
