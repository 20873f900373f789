"""The record of processing: reads and changes are logged; supervisors and admins query it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import Forbidden
from engine.people import accounts
from engine.people.access import Actor
from engine.privacy.access_log import AccessLog, LogFilter
from engine.read.queries import Queries
from engine.storage.models import AccessLogEntry
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS

NIK = "3171011501900001"


@pytest.fixture
def driver(runtime, staff, deployed, clock):
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik=NIK),
                                                         staff.actor("peksos")))


@pytest.fixture
def other_supervisor(session_factory, staff):
    with session_factory() as session:
        user = accounts.create_user(session, "supervisor_lain", PASSWORD, ["supervisor"], staff.other_unit_id,
                                  passwords=QUICK_PASSWORDS)
        session.commit()
        return accounts.actor_for(user)


def entries(session_factory, staff, viewer="supervisor", **wanted):
    actor = viewer if isinstance(viewer, Actor) else staff.actor(viewer)
    return AccessLog(session_factory).entries(actor, LogFilter(**wanted))


def test_reading_a_case_and_a_task_is_recorded(driver, staff, session_factory):
    queries = Queries(session_factory)
    queries.case(staff.actor("konselor"), driver.case_id)
    queries.task(staff.actor("konselor"), driver.task("Identifikasi & orientasi").id)
    reads = [(e.action, e.object_type) for e in entries(session_factory, staff, actor="konselor")]
    assert reads == [("read", "task"), ("read", "case")]


def test_a_change_is_recorded_once_per_operation_with_what_happened(driver, staff, session_factory):
    driver.complete("Identifikasi & orientasi")
    changes = [e for e in entries(session_factory, staff, case_id=driver.case_id) if e.action == "change"]
    assert [e.actor for e in changes] == ["peksos", "peksos"]  # completed, and registered
    assert "task_completed" in changes[0].detail.split(",")
    assert changes[1].detail.startswith("case_started")


def test_the_log_is_queried_by_pm_user_and_date(driver, staff, session_factory, runtime, clock):
    other = runtime.start_case("atensi_intake", registration(nik="3171011501900002"), staff.actor("peksos2"))
    clock.shift(timedelta(days=2))
    Queries(session_factory).case(staff.actor("konselor"), other)
    by_pm = entries(session_factory, staff, nik=NIK)
    assert by_pm and {e.case_id for e in by_pm} == {driver.case_id}
    assert {e.case_id for e in entries(session_factory, staff, actor="peksos2")} == {other}
    since = driver.case().created_at + timedelta(days=1)
    assert [e.actor for e in entries(session_factory, staff, since=since)] == ["konselor"]
    assert {e.actor for e in entries(session_factory, staff, until=since)} == {"peksos", "peksos2"}


def test_only_supervisors_and_admins_read_the_log_and_only_of_their_unit(driver, staff, session_factory,
                                                                         other_supervisor):
    with pytest.raises(Forbidden):
        entries(session_factory, staff, viewer="peksos")
    assert entries(session_factory, staff, viewer="admin", case_id=driver.case_id)
    assert entries(session_factory, staff, viewer=other_supervisor, case_id=driver.case_id) == []


def test_task_completion_writes_one_log_row(driver, staff, session_factory):
    with session_factory() as session:
        before = session.scalar(select(func.count()).select_from(AccessLogEntry))
    driver.complete("Identifikasi & orientasi")
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AccessLogEntry)) == before + 1
