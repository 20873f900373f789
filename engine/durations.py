"""ISO-8601 durations, computed the way SpiffWorkflow's timers compute them (P3M from 31 Jan is 1 May)."""
from __future__ import annotations

import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_CYCLE = re.compile(r"^R\d*/")


def is_duration(text: str) -> bool:
    return bool(_DURATION.match(text.strip().upper()))


def is_iso_literal(text: str) -> bool:
    """Looks like an unquoted ISO duration, cycle or date: what other modelers write in timers."""
    t = text.strip().upper()
    return is_duration(t) or bool(_CYCLE.match(t)) or bool(re.match(r"^\d{4}-\d{2}-\d{2}", t))


def add_duration(start: datetime, duration: str) -> datetime:
    if not is_duration(duration):
        raise ValueError(f"not an ISO-8601 duration: {duration!r}")
    parsed = TimerEventDefinition.parse_iso_duration(duration.strip().upper())
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


def parse_datetime(text: str) -> datetime:
    """An ISO datetime; a naive one is taken as UTC, never as the server's local time."""
    value = datetime.fromisoformat(text)
    return TimerEventDefinition.get_datetime(value.isoformat() if value.tzinfo else value.isoformat() + "+00:00")
