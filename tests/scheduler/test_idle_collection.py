"""The scheduler runs Python's full garbage collection between passes, when it has worked and
nothing is due for a while, not at moments the allocator picks (in the middle of firing a timer)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from workers.collection import IdleCollector


class FakeGc:
    def __init__(self):
        self.calls = []

    def unfreeze(self):
        self.calls.append("unfreeze")

    def collect(self):
        self.calls.append("collect")

    def freeze(self):
        self.calls.append("freeze")


class Ticks:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _collector():
    fake, ticks = FakeGc(), Ticks()
    return IdleCollector(every=timedelta(seconds=30), quiet=timedelta(seconds=1), collector=fake,
                         monotonic=ticks), fake, ticks


@pytest.mark.unit
def test_start_up_collects_everything_and_freezes_what_is_alive():
    collector, fake, _ = _collector()
    collector.start()
    assert fake.calls == ["unfreeze", "collect", "freeze"]


@pytest.mark.unit
def test_a_full_collection_waits_for_work_done_quiet_and_its_interval():
    collector, fake, ticks = _collector()
    collector.start()
    fake.calls.clear()
    far, soon = clock.now() + timedelta(minutes=5), clock.now() + timedelta(milliseconds=200)
    ticks.now += 31
    assert not collector.after_pass(False, far)  # no work since the last one: nothing to collect
    assert not collector.after_pass(True, soon)  # a timer is due in 200 ms: not now
    assert collector.after_pass(False, far)  # quiet now, and the work done earlier counts
    assert fake.calls == ["unfreeze", "collect", "freeze"]
    ticks.now += 10
    assert not collector.after_pass(True, None)  # ten seconds later: too soon again
    ticks.now += 25
    assert collector.after_pass(False, None)  # nothing due at all


@pytest.mark.unit
def test_a_collector_never_started_waits_its_interval_from_its_creation():
    collector, fake, ticks = _collector()
    assert not collector.after_pass(True, None)
    ticks.now += 31
    assert collector.after_pass(False, None) and fake.calls == ["unfreeze", "collect", "freeze"]
