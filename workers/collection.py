"""Python's garbage collection, kept out of the moments when timers are due.

A full collection walks every object the process holds: 125-145 ms here with the engine, its
specs and its libraries loaded, at moments chosen by the allocator, in the middle of firing a timer
(bench/scale.py: the lateness p99). So the objects alive after start-up are frozen (gc.freeze:
automatic collections skip them and stay short), and a full collection of everything runs only when
work has been done and nothing is due for a while, at most once every `every`.
"""
from __future__ import annotations

import gc
import time
from datetime import datetime, timedelta

from engine import clock

QUIET = timedelta(seconds=1)  # nothing due for at least this long: a full collection will not delay it
EVERY = timedelta(seconds=30)


class IdleCollector:
    def __init__(self, every: timedelta = EVERY, quiet: timedelta = QUIET, collector=gc, monotonic=time.monotonic):
        self.every, self.quiet = every.total_seconds(), quiet
        self._gc, self._monotonic = collector, monotonic
        self._last = monotonic()
        self._worked = False

    def start(self) -> None:
        self._collect()

    def after_pass(self, progressed: bool, next_due: datetime | None) -> bool:
        """Collect when due and quiet; True when it did."""
        self._worked |= progressed
        quiet = next_due is None or next_due - clock.now() >= self.quiet
        if not (self._worked and quiet and self._monotonic() - self._last >= self.every):
            return False
        self._collect()
        return True

    def _collect(self) -> None:
        self._gc.unfreeze()
        self._gc.collect()
        self._gc.freeze()
        self._last, self._worked = self._monotonic(), False
