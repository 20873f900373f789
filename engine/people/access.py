"""Who may see and do what. Plain rules over an Actor, used by every adapter."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from engine.errors import Conflict, EngineError, Forbidden
from engine.vocabulary import (
    CASE_ACTORS,
    EDITORS,
    HANDOVER_ACCEPTED,
    HANDOVER_PENDING,
    HANDOVER_ROLES,
    KOORDINATOR_WILAYAH,
    LANE_ROLES,
    ROLES,
    SUPERVISOR,
    TASK_OPEN,
    TRANSFER,
)

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    username: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    unit_id: int | None = None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_system(self) -> bool:
        return self.username == SYSTEM


SYSTEM_ACTOR = Actor(SYSTEM, ROLES, None)


def require_role(actor: Actor, *roles: str) -> None:
    if not actor.is_system and not actor.has(*roles):
        raise Forbidden(f"requires one of the roles: {', '.join(roles)}")


def can_see_unit(actor: Actor, unit_id: int) -> bool:
    return actor.is_system or actor.unit_id == unit_id


def require_unit(actor: Actor, unit_id: int) -> None:
    if not can_see_unit(actor, unit_id):
        raise Forbidden("this case belongs to another unit")


def require_case_actor(actor: Actor, unit_id: int) -> None:
    """Registering a case or reporting a crisis on one: anyone of the unit who works on cases; a
    koordinator wilayah only reads (dashboards and reports)."""
    require_unit(actor, unit_id)
    require_role(actor, *CASE_ACTORS)


def _field(task, name: str):
    """Tasks come as rows (the engine) or as mappings (what queries return to the pages)."""
    return task[name] if isinstance(task, Mapping) else getattr(task, name)


def completion_refusal(actor: Actor, task) -> EngineError | None:
    """None when ``actor`` may complete ``task`` now: the assignee, or while unclaimed a holder of the
    lane's role, in the task's unit. Otherwise the error to raise: Forbidden when the caller could
    never complete it; Conflict when the task is closed, or claimed by someone else."""
    if not can_see_unit(actor, _field(task, "unit_id")):
        return Forbidden("this case belongs to another unit")
    role, assignee = _field(task, "role"), _field(task, "assignee")
    if actor.is_system:
        return None
    if role and not actor.has(role) and assignee != actor.username:
        return Forbidden(f"this task needs the role {role}")
    if _field(task, "status") != TASK_OPEN:
        return Conflict("this task is no longer open")
    if assignee is not None and assignee != actor.username:
        # allowed in principle, but someone else has it: a conflict of state, not of rights
        return Conflict(f"this task is claimed by {assignee}")
    return None


def claim_refusal(actor: Actor, task) -> EngineError | None:
    """None when ``actor`` may claim ``task`` now: unclaimed and open, in the actor's unit, and the
    actor holds its role or supervises."""
    if not can_see_unit(actor, _field(task, "unit_id")):
        return Forbidden("this case belongs to another unit")
    role = _field(task, "role")
    if role and not actor.has(role, SUPERVISOR) and not actor.is_system:
        return Forbidden(f"this task needs the role {role}")
    if _field(task, "status") != TASK_OPEN or _field(task, "assignee") is not None:
        return Conflict("task is already claimed")
    return None


def unclaim_refusal(actor: Actor, task) -> EngineError | None:
    """None when ``actor`` may give ``task`` back to its role's queue: its assignee, or a supervisor
    of its unit, while it is open and claimed."""
    if not can_see_unit(actor, _field(task, "unit_id")):
        return Forbidden("this case belongs to another unit")
    if _field(task, "assignee") != actor.username and not actor.has(SUPERVISOR) and not actor.is_system:
        return Forbidden(f"requires one of the roles: {SUPERVISOR}")
    if _field(task, "status") != TASK_OPEN or _field(task, "assignee") is None:
        return Conflict("this task is not claimed")
    return None


def can_complete(actor: Actor, task) -> bool:
    return completion_refusal(actor, task) is None


def can_claim(actor: Actor, task) -> bool:
    return claim_refusal(actor, task) is None


def can_unclaim(actor: Actor, task) -> bool:
    return unclaim_refusal(actor, task) is None


def require_can_complete(actor: Actor, task) -> None:
    _refuse(completion_refusal(actor, task))


def require_can_claim(actor: Actor, task) -> None:
    _refuse(claim_refusal(actor, task))


def require_can_unclaim(actor: Actor, task) -> None:
    _refuse(unclaim_refusal(actor, task))


def _refuse(refusal: EngineError | None) -> None:
    if refusal is not None:
        raise refusal


# --- handovers between units and regions (engine.cases.handover) --------------------------------


def require_can_hand_over(actor: Actor, case_unit_id: int) -> None:
    """Proposing a transfer or sending a referral: a pekerja sosial or supervisor of the case's unit."""
    require_unit(actor, case_unit_id)
    require_role(actor, *HANDOVER_ROLES)


def answer_refusal(actor: Actor, handover) -> EngineError | None:
    """None when ``actor`` may answer ``handover`` now. A transfer is answered by a supervisor of the
    receiving unit; a referral by anyone who works on cases there. Only while it is open: a transfer
    while pending, a referral while pending or accepted (then it may become done)."""
    if not actor.is_system and actor.unit_id != _field(handover, "to_unit_id"):
        return Forbidden("this request is addressed to another unit")
    kind = _field(handover, "kind")
    require = (SUPERVISOR,) if kind == TRANSFER else LANE_ROLES
    if not actor.is_system and not actor.has(*require):
        return Forbidden(f"requires one of the roles: {', '.join(require)}")
    open_statuses = (HANDOVER_PENDING,) if kind == TRANSFER else (HANDOVER_PENDING, HANDOVER_ACCEPTED)
    if _field(handover, "status") not in open_statuses:
        return Conflict(f"this {kind} was already answered ({_field(handover, 'status')})")
    return None


def can_answer(actor: Actor, handover) -> bool:
    return answer_refusal(actor, handover) is None


def require_can_answer(actor: Actor, handover) -> None:
    _refuse(answer_refusal(actor, handover))


def can_see_handover(actor: Actor, handover) -> bool:
    """The sending unit and the receiving unit see a handover; no one else."""
    return actor.is_system or actor.unit_id in (_field(handover, "from_unit_id"), _field(handover, "to_unit_id"))


def can_read_region(actor: Actor, unit_id: int, above: Collection[int]) -> bool:
    """A unit's dashboard and reports: its own people who may see dashboards, or the koordinator wilayah of
    a Balai above it (``above``: the unit's parent, its parent's parent, …). Reading only: the coordinator
    acts on no case (they are never in that unit)."""
    if actor.is_system:
        return True
    if actor.unit_id == unit_id:
        return actor.has(*EDITORS, KOORDINATOR_WILAYAH)
    return actor.has(KOORDINATOR_WILAYAH) and actor.unit_id is not None and actor.unit_id in above
