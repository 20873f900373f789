"""Claim, unclaim and assign in the engine, with no HTTP: who may move a task, and to whom."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput
from engine.people import accounts
from engine.storage.models import HistoryEvent, HumanTask, User
from tests.case_driver import registration
from tests.conftest import QUICK_PASSWORDS


@pytest.fixture
def task_id(runtime, staff, deployed) -> str:
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    with runtime.session_factory() as session:
        return session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one()


def assignee(runtime, task_id: str) -> str | None:
    with runtime.session_factory() as session:
        return session.get(HumanTask, task_id).assignee


def test_a_claimed_task_cannot_be_claimed_again(runtime, staff, task_id):
    runtime.claim(task_id, staff.actor("peksos2"))
    with pytest.raises(Conflict):
        runtime.claim(task_id, staff.actor("peksos"))
    assert assignee(runtime, task_id) == "peksos2"


def test_only_the_assignee_or_a_supervisor_of_the_unit_unclaims(runtime, staff, task_id):
    runtime.claim(task_id, staff.actor("peksos"))
    for username, refusal in (("peksos2", Forbidden), ("asing", Forbidden)):
        with pytest.raises(refusal):
            runtime.unclaim(task_id, staff.actor(username))
    assert assignee(runtime, task_id) == "peksos"
    runtime.unclaim(task_id, staff.actor("supervisor"))
    assert assignee(runtime, task_id) is None


@pytest.mark.parametrize("username, reason", [
    ("konselor", "must hold the role pekerja_sosial"),
    ("asing", "must work in the task's unit"),
    ("tidak_ada", "no active user 'tidak_ada'"),
])
def test_a_task_goes_only_to_an_active_holder_of_its_role_in_its_unit(runtime, staff, task_id, username, reason):
    with pytest.raises(InvalidInput) as refused:
        runtime.assign(task_id, username, staff.actor("supervisor"))
    assert refused.value.fields == {"username": [reason]}
    assert assignee(runtime, task_id) is None


def test_an_inactive_user_gets_no_task(runtime, staff, task_id, session_factory):
    with session_factory() as session:
        session.scalars(select(User).where(User.username == "peksos2")).one().active = False
        session.commit()
    with pytest.raises(InvalidInput):
        runtime.assign(task_id, "peksos2", staff.actor("supervisor"))


def test_only_a_supervisor_of_the_tasks_unit_assigns(runtime, staff, task_id, session_factory):
    with session_factory() as session:
        outsider = accounts.create_user(session, "supervisor_lain", "rahasia-123", ["supervisor"], staff.other_unit_id,
                                      passwords=QUICK_PASSWORDS)
        session.commit()
        outsider = accounts.actor_for(outsider)
    for actor in (staff.actor("peksos"), outsider):
        with pytest.raises(Forbidden):
            runtime.assign(task_id, "peksos2", actor)
    runtime.assign(task_id, "peksos2", staff.actor("supervisor"))
    assert assignee(runtime, task_id) == "peksos2"
    with session_factory() as session:
        event = session.scalars(select(HistoryEvent).where(HistoryEvent.kind == "task_assigned")).one()
    assert (event.actor, event.data) == ("supervisor", {"assignee": "peksos2"})
