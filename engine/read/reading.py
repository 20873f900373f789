"""What every query of the read side shares: reads whose rows outlive them, and paging.

Every query is scoped to the caller's unit (a worker sees only their own unit's cases) and is
written to use the indexes on ``human_tasks`` and ``cases``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from engine.errors import InvalidInput
from engine.storage.unit_of_work import UnitOfWork

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # beyond, the offset alone would leave the database's integers


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = 50

    def __post_init__(self):
        if not 1 <= self.page <= MAX_PAGE or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidInput("bad paging", {"page": [f"1 <= page <= {MAX_PAGE}, 1 <= per_page <= {MAX_PER_PAGE}"]})

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


@contextmanager
def detached_read(session_factory: sessionmaker):
    """A read-only unit of work whose loaded rows stay readable after it ends (they are detached
    before the closing rollback would expire them)."""
    with UnitOfWork(session_factory, write=False) as uow:
        yield uow
        uow.session.expunge_all()


class Reader:
    """The base of each part of the read side (engine.read.queries.Queries joins them)."""

    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def _read(self):
        return detached_read(self.session_factory)

