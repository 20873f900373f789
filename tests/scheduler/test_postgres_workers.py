"""Three worker processes on PostgreSQL, 1,000 due timers, one worker killed with SIGKILL mid-run:
every timer fires exactly once and nothing is lost."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import is_postgres_run

from . import bulk
from .conftest import later, timer_fired_counts

ROOT = Path(__file__).resolve().parents[2]
TIMERS = 1000
pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not is_postgres_run(), reason="several workers need PostgreSQL")]


def with_app_name(url: str, name: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def start_worker(database_url: str, name: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": with_app_name(database_url, name), "ATENSI_SCHEDULER_POLL_SECONDS": "0.5",
           "ATENSI_SECRET_KEY": "a-test-secret-of-this-run"}
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "workers", "--log-level", "INFO"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_until(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def in_transaction(admin: sa.Engine, name: str) -> bool:
    with admin.connect() as conn:
        return bool(conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND xact_start IS NOT NULL"
        ), {"name": name}).scalar())


def test_three_workers_fire_a_thousand_timers_once_each_even_when_one_is_killed(
        runtime, staff, database_url, session_factory, tmp_path):
    bulk.deploy_timer_process(runtime)
    due = later(seconds=8)  # the workers start first, then sleep until the timers are due
    template = bulk.start_template(runtime, staff.unit_id, due)
    bulk.clone_cases(session_factory, template, [due] * (TIMERS - 1))
    ids = bulk.case_ids(session_factory)
    assert len(ids) == TIMERS
    names = [f"atensi-worker-{n}" for n in range(3)]
    workers = [start_worker(database_url, name, tmp_path / f"{name}.log") for name in names]
    admin = sa.create_engine(database_url)
    try:
        assert wait_until(lambda: sum(timer_fired_counts(session_factory).values()) >= 150, timeout=60)
        victim_was_mid_transaction = wait_until(lambda: in_transaction(admin, names[0]), timeout=5, step=0.001)
        os.kill(workers[0].pid, signal.SIGKILL)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        assert victim_was_mid_transaction
        assert wait_until(lambda: len(timer_fired_counts(session_factory)) == TIMERS, timeout=120)
        time.sleep(1.5)  # the survivors get every chance to fire something twice
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        admin.dispose()
    assert timer_fired_counts(session_factory) == {case_id: 1 for case_id in ids}
    with session_factory() as session:
        statuses = session.execute(sa.text("SELECT status, count(*), count(next_timer_at) FROM cases "
                                           "WHERE process_key = 'timer_only' GROUP BY status")).all()
    assert [tuple(row) for row in statuses] == [("completed", TIMERS, 0)]
    survivors_fired = [_fired_in_log(tmp_path / f"{name}.log") for name in names[1:]]
    assert all(n > 0 for n in survivors_fired), survivors_fired  # the work was shared, not serialized
    assert workers[1].returncode == 0 and workers[2].returncode == 0  # SIGTERM: a clean stop


def _fired_in_log(log: Path) -> int:
    total = 0
    for line in log.read_text().splitlines():
        if "pass: " in line and " timers fired" in line:
            total += int(line.split("pass: ", 1)[1].split(" ", 1)[0])
    return total
