"""Who may see and do what. Plain rules over an Actor, used by every adapter."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Conflict, Forbidden

ROLES = ("pekerja_sosial", "konselor_adiksi", "supervisor", "admin")
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


def require_can_complete(actor: Actor, task) -> None:
    """The assignee, or while unclaimed a holder of the lane's role, in the task's unit.

    Forbidden when the caller could never complete it; Conflict when a holder of the role finds it
    claimed by someone else."""
    require_unit(actor, task.unit_id)
    if actor.is_system:
        return
    if task.assignee is not None:
        if task.assignee != actor.username:
            if task.role and not actor.has(task.role):
                raise Forbidden(f"this task needs the role {task.role}")
            # allowed in principle, but someone else has it: a conflict of state, not of rights
            raise Conflict(f"this task is claimed by {task.assignee}")
        return
    if task.role and not actor.has(task.role):
        raise Forbidden(f"this task needs the role {task.role}")


def require_can_claim(actor: Actor, task) -> None:
    require_unit(actor, task.unit_id)
    if task.role and not actor.has(task.role, "supervisor") and not actor.is_system:
        raise Forbidden(f"this task needs the role {task.role}")
