"""engine.read.dashboard on a real database: counts per stage and risk, overdue per worker, deadlines and
the heat map, scoped to the caller's unit."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Forbidden
from engine.read.dashboard import Dashboard
from tests.case_driver import CaseDriver, registration


def start(runtime, staff, actor="peksos", **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor(actor)))


@pytest.fixture
def board(session_factory):
    return Dashboard(session_factory)


def test_counts_cases_per_stage_and_risk_in_the_callers_unit_only(board, runtime, staff, deployed, clock):
    start(runtime, staff)
    screened = start(runtime, staff)
    screened.complete("Identifikasi & orientasi")
    screened.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    start(runtime, staff, actor="asing")  # another unit
    summary = board.summary(staff.actor("supervisor"))
    assert summary["by_stage"] == {"identifikasi": 1, "asesmen": 1}
    assert summary["by_risk"] == {None: 1, "tinggi": 1}


def test_overdue_tasks_are_counted_per_worker_and_queue(board, runtime, staff, deployed, clock):
    mine = start(runtime, staff)
    runtime.claim(mine.task("Identifikasi & orientasi").id, staff.actor("peksos2"))
    start(runtime, staff)
    start(runtime, staff)
    clock.shift(timedelta(days=4))
    loads = board.summary(staff.actor("supervisor"))["overdue_by_worker"]
    assert [(w.assignee, w.role, w.overdue) for w in loads] == [
        (None, "pekerja_sosial", 2), ("peksos2", "pekerja_sosial", 1)]


def test_deadlines_in_the_next_days_list_due_tasks_and_timers(board, runtime, staff, deployed, clock):
    soon = start(runtime, staff, nama="Segera")
    in_programme = start(runtime, staff, nama="Intervensi")
    for name, data in (("Identifikasi & orientasi", {}), ("Skrining ASSIST", {"zat_utama": "ganja", "skor_ganja": 2}),
                       ("Rujukan rehabilitasi medis", {}),
                       ("Susun rencana intervensi", {"komponen_atensi": ["terapi"]}),
                       ("Persetujuan rencana intervensi", {"rencana_disetujui": True})):
        in_programme.complete(name, **data)
    clock.shift(timedelta(days=26))  # the monthly monitoring timer is due in about 5 days
    summary = board.summary(staff.actor("supervisor"), days=7)
    kinds = {(d.case_id, d.kind) for d in summary["deadlines"]}
    assert (in_programme.case_id, "timer") in kinds
    assert (in_programme.case_id, "task") not in kinds  # Pelaksanaan intervensi is due later
    assert soon.case_id not in {d.case_id for d in summary["deadlines"]}  # overdue already, not upcoming


def test_a_timer_that_only_moves_the_process_on_is_not_a_deadline(board, runtime, staff, deployed, clock):
    from tests.engine.test_atensi_paths import through_assessment, through_plan

    case = start(runtime, staff, nama="Menunggu")
    through_assessment(case, score=2)  # low risk: family-based, no monitoring after the plan is carried out
    through_plan(case)
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)  # now waits out the programme period
    waiting = case.case().next_timer_at
    clock.shift(waiting - case.case().updated_at - timedelta(days=3))  # the period ends in 3 days
    from engine import clock as engine_clock
    assert timedelta(0) < engine_clock.as_utc(waiting) - engine_clock.now() < timedelta(days=7)  # in the window
    summary = board.summary(staff.actor("supervisor"), days=7)
    assert case.case_id not in {d.case_id for d in summary["deadlines"]}


def test_the_heat_map_counts_cases_at_open_tasks_and_at_waiting_timers(board, runtime, staff, deployed, clock):
    start(runtime, staff)
    start(runtime, staff)
    waiting = start(runtime, staff)
    for name, data in (("Identifikasi & orientasi", {}), ("Skrining ASSIST", {"zat_utama": "ganja", "skor_ganja": 30}),
                       ("Asesmen lanjut", {"setting": "rawat_inap"}),
                       ("Rujukan rehabilitasi medis", {}),
                       ("Susun rencana intervensi", {"komponen_atensi": ["terapi"]}),
                       ("Persetujuan rencana intervensi", {"rencana_disetujui": True}),
                       ("Pelaksanaan intervensi", {"rencana_selesai": True})):
        waiting.complete(name, **data)
    heat = board.heat_map(staff.actor("supervisor"))
    assert heat["counts"] == {"Task_identifikasi": 2, "Timer_tunggu_akhir_periode": 1}
    assert 'id="atensi_intake"' in heat["xml"] and heat["version"] == 1
    assert heat["steps"] == [("Identifikasi & orientasi", 2), ("Tunggu akhir periode program", 1)]


def test_the_dashboard_is_for_supervisors_and_admins(board, staff):
    with pytest.raises(Forbidden):
        board.summary(staff.actor("peksos"))
    with pytest.raises(Forbidden):
        board.heat_map(staff.actor("konselor"))
    assert board.summary(staff.actor("admin"))["by_stage"] == {}
