"""What "overdue" means, defined once on engine.clock. Unit tests: no database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import clock

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_an_open_task_is_overdue_once_its_due_time_has_passed():
    assert clock.is_overdue("open", NOW - timedelta(minutes=1), NOW)
    assert not clock.is_overdue("open", NOW + timedelta(minutes=1), NOW)
    assert not clock.is_overdue("open", NOW, NOW)


def test_a_closed_task_or_one_without_a_due_time_is_never_overdue():
    assert not clock.is_overdue("completed", NOW - timedelta(days=9), NOW)
    assert not clock.is_overdue("suspended", NOW - timedelta(days=9), NOW)
    assert not clock.is_overdue("open", None, NOW)


def test_a_naive_due_time_as_sqlite_returns_it_is_read_as_utc():
    assert clock.is_overdue("open", (NOW - timedelta(hours=1)).replace(tzinfo=None), NOW)
