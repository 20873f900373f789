"""Every timer in the two ATENSI diagrams, fired by scheduler passes under a controllable clock.

date: akhir_program (rawat jalan 3 months, rawat inap 4 months, boundary and catch event);
duration: reintegrasi "P1M" and kedaruratan "PT24H"; cycle: monthly monitoring "R4/P1M".
"""
from datetime import timedelta

from sqlalchemy import select

from engine import durations
from engine.cases import runtime as runtime_module
from engine.storage.models import Case, HumanTask
from tests.case_driver import CaseDriver, registration

from .conftest import later, now, start_timer_case, timer_fired_counts

SECOND = timedelta(seconds=1)


def start_intake(runtime, staff) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))


def test_rawat_jalan_ends_on_its_akhir_program_date_and_not_a_second_before(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    case.into_intervensi(15, "rawat_jalan")
    started = now()
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    due = case.case().next_timer_at
    assert abs(due - durations.add_duration(started, "P3M")) < timedelta(minutes=1)
    clock.move_to(due - SECOND)
    assert work.run_pass().fired == 0
    assert case.open_names() == []
    clock.move_to(due + SECOND)
    assert work.run_pass().fired == 1
    assert case.open_names() == ["Laporan terminasi"]
    assert timer_fired_counts(runtime.session_factory, "Timer_tunggu_akhir_periode") == {case.case_id: 1}


def test_rawat_inap_runs_four_months_then_a_month_of_reintegrasi(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    case.into_intervensi(30, "rawat_inap")
    started = now()
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    program_end = case.case().next_timer_at
    assert abs(program_end - durations.add_duration(started, "P4M")) < timedelta(minutes=1)
    clock.move_to(program_end + SECOND)
    assert work.run_pass().fired == 1
    assert case.case().stage == "reintegrasi"
    for name in ("Tes minat dan bakat", "Persiapan keluarga", "Kunjungan rumah"):
        case.complete(name)
    reintegrasi_end = case.case().next_timer_at
    assert reintegrasi_end == durations.add_duration(program_end + SECOND, "P1M")
    clock.move_to(reintegrasi_end - SECOND)
    assert work.run_pass().fired == 0
    clock.move_to(reintegrasi_end + SECOND)
    assert work.run_pass().fired == 1
    assert case.open_names() == ["Laporan terminasi"]
    assert timer_fired_counts(runtime.session_factory, "Timer_periode_reintegrasi") == {case.case_id: 1}


def test_monitoring_opens_monthly_until_the_programme_end_interrupts_the_intervention(
        runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    case.into_intervensi(10, "rawat_jalan")
    for month in (1, 2):
        clock.move_to(case.case().next_timer_at + SECOND)
        assert work.run_pass().fired == 1
        assert case.open_names().count("Monitoring bulanan") == month
    clock.move_to(case.case().next_timer_at + SECOND)  # akhir_program comes before the third cycle
    assert work.run_pass().fired == 1
    assert "Tinjau intervensi yang belum selesai" in case.open_names()
    assert "Pelaksanaan intervensi" not in case.open_names()
    work.run_until_idle()
    with runtime.session_factory() as session:  # each cycle opened one review, and no pass did it again
        reviews = session.scalars(select(HumanTask).where(HumanTask.case_id == case.case_id,
                                                          HumanTask.name == "Monitoring bulanan")).all()
    assert len(reviews) == 2
    assert timer_fired_counts(runtime.session_factory, "Timer_periode_program_berakhir") == {case.case_id: 1}


def test_an_unanswered_kedaruratan_escalates_after_24_hours_exactly_once(runtime, staff, deployed, work, clock):
    case_id = runtime.start_case("case_response", registration(), staff.actor("peksos"))
    response = CaseDriver(runtime, staff, case_id)
    due = response.case().next_timer_at
    assert due == now() + timedelta(hours=24)
    clock.move_to(due - SECOND)
    work.run_until_idle()
    assert response.open_names() == ["Kedaruratan (triase)"]
    clock.move_to(due + SECOND)
    work.run_until_idle()
    work.run_until_idle()
    assert response.task("Eskalasi: kedaruratan terlambat").role == "supervisor"
    assert response.open_names().count("Eskalasi: kedaruratan terlambat") == 1
    assert timer_fired_counts(runtime.session_factory, "Timer_batas_respon_24_jam") == {case_id: 1}


def test_a_pass_loads_only_the_cases_that_are_due(runtime, staff, timer_process, work, clock, monkeypatch):
    ids = [start_timer_case(runtime, staff.unit_id, later(hours=hours)) for hours in (1, 2, 3, 48, 72)]
    loaded = []
    real_load = runtime_module._load
    monkeypatch.setattr(runtime_module, "_load", lambda session, case: (loaded.append(case.id),
                                                                        real_load(session, case))[1])
    clock.shift(timedelta(hours=2, minutes=1))
    assert work.run_pass().fired == 2
    assert loaded == ids[:2]
    with runtime.session_factory() as session:
        assert [session.get(Case, i).status for i in ids] == ["completed"] * 2 + ["active"] * 3
