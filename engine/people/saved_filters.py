"""A user's saved inbox filters: named, kept on the server, applied again with one click."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from engine.errors import Conflict, InvalidInput, NotFound
from engine.people.access import Actor
from engine.read.inbox import TASK_SORTS
from engine.storage.models import SavedFilter, User
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import STAGES

KNOWN_STAGES = {stage for stages in STAGES.values() for stage in stages}
MAX_PER_USER = 30  # product default: a short list, not a store


def checked(filters: dict) -> dict:
    """Only the inbox's own filters, with values it understands; empty ones dropped."""
    unknown = sorted(set(filters) - {"stage", "sort", "overdue"})
    problems = {f"filters.{key}": ["not an inbox filter"] for key in unknown}
    stage, sort, overdue = filters.get("stage"), filters.get("sort"), filters.get("overdue")
    if stage not in (None, "", *KNOWN_STAGES):
        problems["filters.stage"] = ["not a stage"]
    if sort not in (None, "", *TASK_SORTS):
        problems["filters.sort"] = [f"one of {', '.join(TASK_SORTS)}"]
    if overdue not in (None, True, False):
        problems["filters.overdue"] = ["true or false"]
    if problems:
        raise InvalidInput("not inbox filters", problems)
    return {key: value for key, value in (("stage", stage), ("sort", sort), ("overdue", overdue)) if value}


class SavedFilters:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def of(self, actor: Actor) -> list[dict]:
        with UnitOfWork(self.session_factory, write=False) as uow:
            user_id = _user_id(uow.session, actor)
            return [_plain(row) for row in uow.session.scalars(
                select(SavedFilter).where(SavedFilter.user_id == user_id).order_by(SavedFilter.name))]

    def save(self, actor: Actor, name: str, filters: dict) -> dict:
        """Under a new name; the same name again replaces that filter's values."""
        name, filters = (name or "").strip(), checked(filters)
        if not name or len(name) > 80:
            raise InvalidInput("a filter needs a name", {"name": ["1 to 80 characters"]})
        with UnitOfWork(self.session_factory) as uow:
            user_id = _user_id(uow.session, actor)
            kept = list(uow.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user_id)))
            row = next((f for f in kept if f.name == name), None)
            if row is None and len(kept) >= MAX_PER_USER:
                raise Conflict(f"at most {MAX_PER_USER} saved filters: delete one first")
            if row is None:
                row = SavedFilter(user_id=user_id, name=name)
                uow.session.add(row)
            row.filters = filters
            try:
                uow.commit()
            except IntegrityError as error:  # the same name saved at the same moment
                raise Conflict("a filter of this name was just saved") from error
            return _plain(row)

    def delete(self, actor: Actor, filter_id: int) -> None:
        with UnitOfWork(self.session_factory) as uow:
            row = uow.session.get(SavedFilter, filter_id)
            if row is None or row.user_id != _user_id(uow.session, actor):
                raise NotFound(f"saved filter {filter_id} not found")  # another's is not even there
            uow.session.delete(row)
            uow.commit()


def _plain(row: SavedFilter) -> dict:
    return {"id": row.id, "name": row.name, "filters": dict(row.filters), "created_at": row.created_at}


def _user_id(session, actor: Actor) -> int:
    user_id = session.scalar(select(User.id).where(User.username == actor.username))
    if user_id is None:
        raise NotFound("no such user")
    return user_id
