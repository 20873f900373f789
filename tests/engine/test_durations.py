"""ISO-8601 durations as the timers and due times compute them. Unit tests: no database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import durations

pytestmark = pytest.mark.unit
MONTH_END = datetime(2026, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize("duration, expected", [
    ("P1D", datetime(2026, 2, 1, tzinfo=UTC)),
    ("P2W", datetime(2026, 2, 14, tzinfo=UTC)),
    ("PT1H30M", datetime(2026, 1, 31, 1, 30, tzinfo=UTC)),
    ("P1Y", datetime(2027, 1, 31, tzinfo=UTC)),
    ("P1M", datetime(2026, 3, 3, tzinfo=UTC)),  # SpiffWorkflow's month: 31 Jan + 1 month overflows February
    ("P3M", datetime(2026, 5, 1, tzinfo=UTC)),
])
def test_a_duration_from_a_month_end_lands_where_spiffworkflows_timer_would(duration, expected):
    assert durations.add_duration(MONTH_END, duration) == expected


@pytest.mark.parametrize("text, is_duration", [
    ("P3D", True), ("pt1h", True), (" P1Y2M ", True), ("P", False), ("PT", False), ("3 hari", False), ("P1H", False),
])
def test_only_iso_durations_count_as_durations(text, is_duration):
    assert durations.is_duration(text) is is_duration


@pytest.mark.parametrize("text, literal", [
    ("R3/PT1H", True), ("2026-01-01T00:00:00", True), ("P3D", True), ('"P3D"', False), ("due_date", False),
])
def test_an_unquoted_iso_duration_cycle_or_date_is_recognised_as_a_literal(text, literal):
    assert durations.is_iso_literal(text) is literal


@pytest.mark.parametrize("duration, too_long", [
    ("P100Y", False), ("P1200M", False), ("PT876000H", False), ("P101Y", True), ("PT900000H", True),
])
def test_durations_beyond_the_product_bound_are_too_long(duration, too_long):
    assert durations.too_long(duration) is too_long


def test_adding_a_duration_beyond_the_bound_or_not_a_duration_is_refused():
    with pytest.raises(ValueError, match="longer than 100 years"):
        durations.add_duration(MONTH_END, "P101Y")
    with pytest.raises(ValueError, match="not an ISO-8601 duration"):
        durations.add_duration(MONTH_END, "tiga hari")


def test_a_moment_more_than_the_bound_away_is_too_far_either_way():
    assert not durations.too_far(MONTH_END + timedelta(days=365 * 99), MONTH_END)
    assert durations.too_far(MONTH_END + timedelta(days=366 * 101), MONTH_END)
    assert durations.too_far(MONTH_END - timedelta(days=366 * 101), MONTH_END)


def test_a_naive_datetime_is_read_as_utc_and_an_offset_is_kept():
    assert durations.parse_datetime("2026-01-05T09:00:00") == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert durations.parse_datetime("2026-01-05T09:00:00+07:00") == datetime(2026, 1, 5, 2, tzinfo=UTC)
