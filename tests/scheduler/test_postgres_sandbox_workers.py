"""Two worker processes on PostgreSQL: one is stuck on a case's runaway timer script until the
sandbox's wall clock stops it; meanwhile the other fires every other case's timer, and a case whose
script raises SystemExit gets an incident without stopping either worker."""
from __future__ import annotations

import signal

import pytest
from sqlalchemy import select

from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case, HistoryEvent, Incident
from tests.conftest import is_postgres_run

from .conftest import later
from .test_postgres_workers import start_worker, wait_until
from .test_sandbox_in_scheduler import SCRIPT, TIMER_THEN_SCRIPT

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not is_postgres_run(), reason="several workers need PostgreSQL")]
WALL_SECONDS = 6
OTHERS = 8


def test_a_worker_stuck_on_a_runaway_script_does_not_hold_up_the_other_cases(
        runtime, staff, database_url, session_factory, tmp_path, monkeypatch):
    runaway = TIMER_THEN_SCRIPT.replace(SCRIPT, "if lari:\n    x = sum(range(10**12))\n" + SCRIPT)
    runtime.deploy({"timer_only.bpmn": runaway.encode()}, SYSTEM_ACTOR)

    def start(seconds: float, lari: bool = False, meledak: bool = False) -> int:
        data = {"jatuh_tempo": later(seconds=seconds).isoformat(), "lari": lari, "meledak": meledak}
        return runtime.start_case("timer_only", data, SYSTEM_ACTOR, unit_id=staff.unit_id)

    stuck = start(10, lari=True)  # the earliest: a worker claims it first; the workers start meanwhile
    exploding = start(10.5, meledak=True)
    others = [start(10.5) for _ in range(OTHERS)]
    monkeypatch.setenv("ATENSI_SANDBOX_WALL_SECONDS", str(WALL_SECONDS))
    monkeypatch.setenv("ATENSI_SANDBOX_CPU_SECONDS", str(10 * WALL_SECONDS))  # the wall clock stops it
    workers = [start_worker(database_url, f"atensi-sandbox-{n}", tmp_path / f"w{n}.log") for n in range(2)]
    try:
        assert wait_until(lambda: _incident_at(session_factory, stuck) is not None, timeout=120)
        assert wait_until(lambda: _all_completed(session_factory, others), timeout=60)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    stuck_from, stuck_until = _fired_at(session_factory, [stuck])[0], _incident_at(session_factory, stuck)
    assert (stuck_until - stuck_from).total_seconds() >= WALL_SECONDS * 0.9  # it ran until its limit
    assert max(_fired_at(session_factory, others)) < stuck_until  # the others did not wait for it
    with session_factory() as session:
        assert "time limit" in session.scalars(select(Incident.message).where(Incident.case_id == stuck)).one()
        assert "SystemExit" in session.scalars(select(Incident.message).where(Incident.case_id == exploding)).one()
    assert all(w.returncode == 0 for w in workers)


def _incident_at(session_factory, case_id: int):
    with session_factory() as session:
        return session.scalars(select(HistoryEvent.at).where(HistoryEvent.case_id == case_id,
                                                             HistoryEvent.kind == "incident")).first()


def _fired_at(session_factory, case_ids: list[int]) -> list:
    with session_factory() as session:
        return list(session.scalars(select(HistoryEvent.at).where(
            HistoryEvent.case_id.in_(case_ids), HistoryEvent.kind == "timer_fired")))


def _all_completed(session_factory, case_ids: list[int]) -> bool:
    with session_factory() as session:
        statuses = session.scalars(select(Case.status).where(Case.id.in_(case_ids))).all()
    return statuses == ["completed"] * len(case_ids)

