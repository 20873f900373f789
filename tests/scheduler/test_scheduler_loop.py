"""The APScheduler loop in real time: it sleeps until the earliest due time, notices an earlier
timer created by another process within a second, and fires it on time."""
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.runtime import Runtime
from engine.storage.db import make_engine, make_session_factory
from engine.storage.models import HistoryEvent
from workers import embedded
from workers.scheduler import JOB_DUE_WORK, JOB_WATCH, SWEEP, DueWork, TimerScheduler

from .conftest import later, now, start_timer_case

ROOT = Path(__file__).resolve().parents[2]


class CountingWork(DueWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passes = 0

    def run_pass(self, now=None):
        self.passes += 1
        return super().run_pass(now)


@pytest.fixture
def loop(session_factory, settings, staff, timer_process):  # started after the fixtures' own writes
    scheduler = TimerScheduler(CountingWork(session_factory, settings, senders={})).start()
    yield scheduler
    scheduler.shutdown()


@pytest.fixture
def other_process(database_url):
    """A second engine on the same database, as the API server in another process would have."""
    engine = make_engine(database_url)
    yield Runtime(make_session_factory(engine))
    engine.dispose()


def wait_for(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    return condition()


def fired_at(session_factory, case_id):
    with session_factory() as session:
        return session.scalar(select(HistoryEvent.at).where(HistoryEvent.case_id == case_id,
                                                            HistoryEvent.kind == "timer_fired"))


def test_the_jobs_have_named_ids(loop):
    assert {job.id for job in loop.scheduler.get_jobs()} == {JOB_DUE_WORK, JOB_WATCH}


def test_a_timer_created_elsewhere_is_seen_within_a_second_and_fired_on_time(loop, staff, timer_process,
                                                                            other_process, session_factory):
    due = later(seconds=2.5)
    case_id = start_timer_case(other_process, staff.unit_id, due)
    created = now()
    armed = wait_for(lambda: loop.next_run_time() if loop.next_run_time() <= due else None, timeout=1.5)
    assert armed == due and now() - created < timedelta(seconds=1)  # asleep until exactly the due time
    fired = wait_for(lambda: fired_at(session_factory, case_id), timeout=5)
    assert fired is not None and timedelta(0) <= fired - due < timedelta(seconds=0.5)


def test_with_nothing_due_the_scheduler_does_not_run_passes(loop, staff, timer_process, other_process):
    start_timer_case(other_process, staff.unit_id, later(days=30))
    time.sleep(2.0)
    assert loop.work.passes == 1  # the one at start; the next is the safety sweep
    assert loop.next_run_time() > now() + SWEEP / 2  # asleep until the safety sweep


def test_the_embedded_scheduler_runs_on_daemon_threads_and_stops(settings, session_factory):
    scheduler = embedded.start(settings, session_factory)
    try:
        assert scheduler.scheduler.running and scheduler.scheduler._thread.daemon
    finally:
        scheduler.shutdown()
    assert not scheduler.scheduler.running


def test_the_embedded_scheduler_takes_its_settings_from_the_app_config(settings):
    class App:
        config = {"ATENSI_SETTINGS": settings}

    assert embedded.settings_of(App()) is settings
    assert embedded.settings_of(settings) is settings


def test_python_m_workers_once_fires_what_is_due_and_exits(staff, timer_process, runtime, database_url,
                                                           session_factory):
    case_id = start_timer_case(runtime, staff.unit_id, later(seconds=1))
    time.sleep(1.1)
    env = {**os.environ, "DATABASE_URL": database_url, "ATENSI_SECRET_KEY": "a-test-secret-of-this-run"}
    done = subprocess.run([sys.executable, "-m", "workers", "--once"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert fired_at(session_factory, case_id) is not None
