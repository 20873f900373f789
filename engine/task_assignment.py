"""Who a task may be handed to. Checks the target user before the runtime moves the task:
a supervisor of the task's unit may (re)assign it to an active user of that unit who holds the
task's role (or is a supervisor), and only the task's own unit may unclaim it."""
from __future__ import annotations

from sqlalchemy import select

from .access import Actor, require_role, require_unit
from .errors import InvalidInput, NotFound
from .models import HumanTask, User
from .runtime import Runtime
from .unit_of_work import UnitOfWork


class Assignments:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def _task(self, session, task_id: str) -> HumanTask:
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"task {task_id} not found")
        return task

    def claim(self, task_id: str, actor: Actor) -> None:
        self.runtime.claim(task_id, actor)

    def unclaim(self, task_id: str, actor: Actor) -> None:
        with UnitOfWork(self.runtime.session_factory, write=False) as uow:
            require_unit(actor, self._task(uow.session, task_id).unit_id)
        self.runtime.unclaim(task_id, actor)

    def assign(self, task_id: str, username: str, actor: Actor) -> None:
        with UnitOfWork(self.runtime.session_factory, write=False) as uow:
            task = self._task(uow.session, task_id)
            require_role(actor, "supervisor")
            require_unit(actor, task.unit_id)
            user = uow.session.scalars(select(User).where(User.username == username)).first()
            _check_assignee(user, username, task)
        self.runtime.assign(task_id, username, actor)


def _check_assignee(user: User | None, username: str, task: HumanTask) -> None:
    if user is None or not user.active:
        raise InvalidInput("no such active user", {"username": [f"no active user {username!r}"]})
    if user.unit_id != task.unit_id:
        raise InvalidInput("the user works in another unit", {"username": ["must work in the task's unit"]})
    if task.role and task.role not in user.roles and "supervisor" not in user.roles:
        raise InvalidInput("the user lacks the task's role", {"username": [f"must hold the role {task.role}"]})
