"""A starting scheduler compiles the versions whose timers come due first (and each process's newest)
before its first pass, so that the first timers do not wait for a spec to be restored; on PostgreSQL
a firing's commit does not wait for the disk (a lost firing is redone after a database crash)."""
from __future__ import annotations

from datetime import timedelta

from engine.cases import timers
from engine.definitions import versions
from engine.storage.unit_of_work import UnitOfWork
from tests.statements import recorded

from .conftest import now, start_timer_case


def test_the_versions_due_first_are_compiled_before_the_first_pass(runtime, timer_process, staff, work, monkeypatch):
    start_timer_case(runtime, staff.unit_id, now() + timedelta(minutes=5))
    monkeypatch.setattr(versions, "_cache", type(versions._cache)())
    work.warm_up()
    assert any(key.startswith(f"{timer_process.id}:") for key in versions._cache)


def test_a_firing_commits_without_waiting_for_the_disk_on_postgresql(runtime, timer_process, staff, session_factory,
                                                                      clock):
    case_id = start_timer_case(runtime, staff.unit_id, now() + timedelta(minutes=5))
    clock.shift(timedelta(minutes=6))
    engine = session_factory.kw["bind"]
    with recorded(engine) as statements:
        firing = timers.fire_next(session_factory)
    assert firing is not None and (firing.case_id, firing.fired) == (case_id, True)
    asynchronous = "SET LOCAL synchronous_commit = off" in statements
    assert asynchronous == (engine.dialect.name == "postgresql")
    with UnitOfWork(session_factory, write=False) as uow:  # fired and committed all the same
        assert timers.due_case_ids(uow.session, now()) == []
