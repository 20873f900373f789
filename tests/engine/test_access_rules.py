"""Who may do what, as plain rules over an actor and a task. Unit tests: no database.
(tests/api/test_access_matrix.py checks the same rules end to end over HTTP.)"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.errors import Conflict, Forbidden
from engine.people.access import (
    SYSTEM_ACTOR,
    Actor,
    can_claim,
    can_complete,
    can_see_unit,
    can_unclaim,
    require_can_claim,
    require_can_complete,
    require_can_unclaim,
    require_role,
    require_unit,
)

pytestmark = pytest.mark.unit
UNIT, OTHER_UNIT = 1, 2
PEKSOS = Actor("peksos", ("pekerja_sosial",), UNIT)
PEKSOS2 = Actor("peksos2", ("pekerja_sosial",), UNIT)
KONSELOR = Actor("konselor", ("konselor_adiksi",), UNIT)
SUPERVISOR = Actor("supervisor", ("supervisor",), UNIT)
ASING = Actor("asing", ("pekerja_sosial",), OTHER_UNIT)


def task(role="pekerja_sosial", assignee=None, unit_id=UNIT, status="open"):
    return SimpleNamespace(role=role, assignee=assignee, unit_id=unit_id, status=status)


def test_a_role_is_required_of_people_but_not_of_the_system():
    require_role(SUPERVISOR, "supervisor", "admin")
    require_role(SYSTEM_ACTOR, "admin")
    with pytest.raises(Forbidden, match="supervisor"):
        require_role(PEKSOS, "supervisor", "admin")


def test_people_see_only_their_own_unit_and_the_system_sees_every_unit():
    assert can_see_unit(PEKSOS, UNIT) and not can_see_unit(PEKSOS, OTHER_UNIT)
    assert can_see_unit(SYSTEM_ACTOR, OTHER_UNIT)
    with pytest.raises(Forbidden):
        require_unit(ASING, UNIT)


def test_an_unclaimed_task_is_completed_by_any_holder_of_its_role_in_its_unit():
    require_can_complete(PEKSOS, task())
    require_can_complete(PEKSOS2, task())
    with pytest.raises(Forbidden, match="pekerja_sosial"):
        require_can_complete(KONSELOR, task())
    with pytest.raises(Forbidden, match="another unit"):
        require_can_complete(ASING, task())


def test_a_claimed_task_is_completed_by_its_assignee_and_is_a_conflict_for_other_holders_of_the_role():
    require_can_complete(PEKSOS, task(assignee="peksos"))
    with pytest.raises(Conflict, match="claimed by peksos"):
        require_can_complete(PEKSOS2, task(assignee="peksos"))
    with pytest.raises(Forbidden):
        require_can_complete(KONSELOR, task(assignee="peksos"))


def test_the_system_completes_any_task():
    require_can_complete(SYSTEM_ACTOR, task(assignee="peksos", unit_id=OTHER_UNIT))


def test_a_task_is_claimed_by_a_holder_of_its_role_or_a_supervisor_of_its_unit():
    require_can_claim(PEKSOS, task())
    require_can_claim(SUPERVISOR, task())
    with pytest.raises(Forbidden):
        require_can_claim(KONSELOR, task())
    with pytest.raises(Forbidden):
        require_can_claim(ASING, task())


def test_a_task_is_given_back_to_the_queue_by_its_assignee_or_a_supervisor_of_its_unit():
    require_can_unclaim(PEKSOS, task(assignee="peksos"))
    require_can_unclaim(SUPERVISOR, task(assignee="peksos"))
    with pytest.raises(Forbidden, match="supervisor"):
        require_can_unclaim(PEKSOS2, task(assignee="peksos"))
    with pytest.raises(Forbidden, match="another unit"):
        require_can_unclaim(ASING, task(assignee="asing"))
    with pytest.raises(Conflict, match="not claimed"):
        require_can_unclaim(SUPERVISOR, task())


def test_a_closed_task_is_a_conflict_for_completing_and_claiming_it():
    with pytest.raises(Conflict, match="no longer open"):
        require_can_complete(PEKSOS, task(status="completed"))
    with pytest.raises(Conflict):
        require_can_claim(PEKSOS, task(status="cancelled"))


@pytest.mark.parametrize(("actor", "found", "expected"), [
    (PEKSOS, task(), (True, True, False)),
    (PEKSOS, task(assignee="peksos"), (True, False, True)),
    (PEKSOS2, task(assignee="peksos"), (False, False, False)),
    (KONSELOR, task(), (False, False, False)),
    (SUPERVISOR, task(), (False, True, False)),
    (SUPERVISOR, task(assignee="peksos"), (False, False, True)),
    (PEKSOS, task(status="completed", assignee="peksos"), (False, False, False)),
    (ASING, task(), (False, False, False)),
], ids=["unclaimed", "mine", "someone-elses", "other-role", "supervisor-unclaimed", "supervisor-claimed",
        "closed", "other-unit"])
def test_the_predicates_answer_what_the_require_rules_enforce_for_rows_and_for_mappings(actor, found, expected):
    as_mapping = vars(found)
    for shape in (found, as_mapping):
        assert (can_complete(actor, shape), can_claim(actor, shape), can_unclaim(actor, shape)) == expected
