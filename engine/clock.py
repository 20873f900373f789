"""The one place the engine reads the time, and says what "overdue" means. Always offset-aware UTC.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` itself, so tests move time for both with
time-machine rather than by injecting a clock here. Queries compare with this clock, never with the
database's ``now()``, so that every reader (lists, dashboard, metrics) agrees on what is late.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_

from engine.vocabulary import TASK_OPEN

# How every page, alert and e-mail writes a moment: '2 Des 2026 06.10' (CLDR pattern, for babel)
DATETIME_PATTERN = "d MMM yyyy HH.mm"
DATE_PATTERN = "d MMM yyyy"


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_overdue(status: str, due_at: datetime | None, at: datetime | None = None) -> bool:
    """A task is overdue while it is open and its due time has passed."""
    return status == TASK_OPEN and due_at is not None and as_utc(due_at) < (at or now())


def overdue_condition(status_column, due_at_column, at: datetime | None = None):
    """``is_overdue`` as a SQL condition on a task's status and due time columns."""
    return and_(status_column == TASK_OPEN, due_at_column < (at or now()))
