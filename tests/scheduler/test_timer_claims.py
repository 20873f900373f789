"""Claiming due cases: earliest first, only when due, skipping locked rows, surviving broken cases."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.cases import timers
from engine.storage.models import Alert, Case, Delivery, HistoryEvent, HumanTask
from engine.storage.unit_of_work import UnitOfWork
from tests.case_driver import registration
from tests.conftest import is_postgres_run

from .conftest import later, now, start_timer_case, timer_fired_counts


def next_due(session_factory):
    with session_factory() as session:
        return timers.next_due(session)


def test_next_due_is_the_earliest_of_timers_task_alerts_and_delivery_retries(
        runtime, staff, deployed, timer_process, session_factory, clock):
    assert next_due(session_factory) is None
    start_timer_case(runtime, staff.unit_id, later(hours=5))
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    assert next_due(session_factory) == later(hours=5)  # the intake's first task is due in 3 days
    with session_factory() as session:
        session.execute(update(HumanTask).where(HumanTask.case_id == case_id).values(next_alert_at=later(hours=2)))
        alert = Alert(dedup_key="x", kind="overdue", case_id=case_id, unit_id=staff.unit_id, message="m")
        session.add(alert)
        session.flush()
        session.add(Delivery(alert_id=alert.id, channel="webhook", target="t", next_attempt_at=later(hours=1)))
        session.commit()
    assert next_due(session_factory) == later(hours=1)
    with session_factory() as session:
        session.execute(update(Delivery).values(status="sent"))
        session.commit()
    assert next_due(session_factory) == later(hours=2)


def test_due_cases_are_claimed_earliest_first_and_never_early(runtime, staff, timer_process, session_factory,
                                                              clock):
    ids = {hours: start_timer_case(runtime, staff.unit_id, later(hours=hours)) for hours in (3, 1, 2, 9)}
    clock.shift(timedelta(hours=2, minutes=30))
    with UnitOfWork(session_factory) as uow:
        assert timers.due_case_ids(uow.session, now(), limit=10) == [ids[1], ids[2]]
        assert timers.due_case_ids(uow.session, now(), limit=1) == [ids[1]]


def test_a_case_that_fails_to_fire_is_retried_later_without_blocking_the_others(
        runtime, staff, timer_process, work, clock, monkeypatch):
    broken = start_timer_case(runtime, staff.unit_id, later(minutes=1))
    healthy = start_timer_case(runtime, staff.unit_id, later(minutes=2))
    real_fire = timers.fire_timers_in

    def fire(uow, case_id):
        if case_id == broken:
            raise RuntimeError("disk on fire")
        return real_fire(uow, case_id)

    monkeypatch.setattr(timers, "fire_timers_in", fire)
    clock.shift(timedelta(minutes=3))
    report = work.run_pass()
    assert (report.fired, report.timer_errors) == (1, 1)
    with runtime.session_factory() as session:
        assert session.get(Case, broken).next_timer_at == now() + timers.RETRY_AFTER
        error = session.scalars(select(HistoryEvent).where(HistoryEvent.kind == "timer_error")).one()
    assert error.case_id == broken and "disk on fire" in error.message
    monkeypatch.setattr(timers, "fire_timers_in", real_fire)
    clock.shift(timers.RETRY_AFTER + timedelta(seconds=1))
    assert work.run_pass().fired == 1
    assert timer_fired_counts(runtime.session_factory) == {broken: 1, healthy: 1}


def test_a_timer_that_stays_due_after_firing_is_pushed_back_instead_of_spinning(
        runtime, staff, timer_process, work, clock, monkeypatch):
    case_id = start_timer_case(runtime, staff.unit_id, later(minutes=1))
    monkeypatch.setattr(timers, "fire_timers_in", lambda uow, cid: uow.lock_case(cid) is not None)
    clock.shift(timedelta(minutes=2))
    assert work.run_pass().fired == 1  # once, not again and again
    with runtime.session_factory() as session:
        assert session.get(Case, case_id).next_timer_at == now() + timers.RETRY_AFTER


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres_run(), reason="row locks: PostgreSQL only")
def test_a_case_locked_by_a_request_is_skipped_not_waited_for(runtime, staff, timer_process, session_factory,
                                                              clock):
    first = start_timer_case(runtime, staff.unit_id, later(minutes=1))
    second = start_timer_case(runtime, staff.unit_id, later(minutes=2))
    clock.shift(timedelta(minutes=3))
    with UnitOfWork(session_factory) as request, UnitOfWork(session_factory) as worker:
        request.lock_case(first)
        assert timers.due_case_ids(worker.session, now(), limit=10) == [second]
