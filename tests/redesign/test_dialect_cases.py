"""Cases run on diagrams written in other tools' dialects (tests/data/dialects)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.models import Case, HumanTask
from tests.case_driver import registration
from tests.engine.test_dialects import dialect_files


def open_tasks(session_factory, case_id: int) -> list[tuple]:
    with session_factory() as session:
        rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.status == "open"))
        return sorted((t.name, t.role, t.assignee) for t in rows)


def test_a_flowable_diagram_runs_its_task_in_the_candidate_group_and_its_quoted_timer_fires(
        runtime, staff, session_factory, clock):
    runtime.deploy(dialect_files("flowable_cuti.bpmn20.xml"), staff.actor("supervisor"))
    case_id = runtime.start_case("permohonanCuti", registration(), staff.actor("peksos"))
    assert open_tasks(session_factory, case_id) == [("Tinjau Cuti", "supervisor", None)]
    clock.shift(timedelta(hours=5))
    assert runtime.fire_timers(case_id)
    with session_factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "completed" and "kedaluwarsa" in case.completed_elements
