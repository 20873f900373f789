"""The one place the engine reads the time. Always offset-aware UTC.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` itself, so tests move time for both with
time-machine rather than by injecting a clock here.
"""
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
