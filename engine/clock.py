"""The one place the engine reads the time. Always offset-aware UTC.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` itself, so tests move time for both with
time-machine rather than by injecting a clock here.
"""
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
