"""Whole ATENSI cases driven through the engine, along every path, with a controllable clock."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict
from engine.storage.models import Case, HistoryEvent, HumanTask
from tests.case_driver import CaseDriver, registration


def start(runtime, staff, **extra) -> CaseDriver:
    case_id = runtime.start_case("atensi_intake", registration(**extra), staff.actor("peksos"))
    return CaseDriver(runtime, staff, case_id)


def through_assessment(case: CaseDriver, score: int, setting: str | None = None):
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=score)
    if setting:
        case.complete("Asesmen lanjut", setting=setting)


def through_plan(case: CaseDriver, referral: bool = True):
    if referral:  # every risk level is referred for medical rehabilitation before the plan
        case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi", "dukungan_keluarga"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)


def through_terminasi_and_aftercare(case: CaseDriver, clock, visits=3):
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    case.complete("Persetujuan terminasi", terminasi_disetujui=True)
    case.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])
    for _ in range(visits):
        case.complete("Kunjungan tindak lanjut")
    case.complete("Penutupan kasus")


def finish_intervention_and_wait(case: CaseDriver, runtime, clock, months: int):
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    assert case.case().stage == "intervensi"
    clock.shift(timedelta(days=31 * months + 1))
    assert runtime.fire_timers(case.case_id)


def test_low_risk_goes_family_based_and_closes_after_aftercare(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    assert case.case().stage == "identifikasi"
    through_assessment(case, score=2)
    assert case.case().risk_level == "rendah"
    assert case.open_names() == ["Rujukan rehabilitasi medis"]  # no asesmen lanjut for low risk
    through_plan(case)
    finish_intervention_and_wait(case, runtime, clock, months=3)
    assert case.open_names() == ["Laporan terminasi"]  # family-based skips reintegrasi
    through_terminasi_and_aftercare(case, clock)
    final = case.case()
    assert final.status == "completed" and final.next_timer_at is None


def test_medium_risk_runs_rawat_jalan_for_three_months(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=15, setting="rawat_jalan")
    assert case.case().risk_level == "sedang"
    through_plan(case)
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    due = case.case().next_timer_at
    assert timedelta(days=88) < due - clock_now(clock) < timedelta(days=93)
    clock.shift(timedelta(days=60))
    assert not runtime.fire_timers(case.case_id)  # not due yet: nothing fires early
    clock.shift(timedelta(days=33))
    assert runtime.fire_timers(case.case_id)
    assert case.open_names() == ["Laporan terminasi"]


def test_high_risk_rawat_inap_goes_through_reintegrasi(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=30, setting="rawat_inap")
    assert case.case().risk_level == "tinggi"
    assert all(t.priority == 1 for t in case.open_tasks())
    through_plan(case)
    finish_intervention_and_wait(case, runtime, clock, months=4)
    assert case.case().stage == "reintegrasi"
    case.complete("Tes minat dan bakat")
    case.complete("Persiapan keluarga")
    case.complete("Kunjungan rumah")
    assert case.open_names() == []  # waiting out the month of reintegrasi
    clock.shift(timedelta(days=32))
    assert runtime.fire_timers(case.case_id)
    assert case.open_names() == ["Laporan terminasi"]
    through_terminasi_and_aftercare(case, clock)
    assert case.case().status == "completed"


def test_a_returned_plan_is_revised_then_approved(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=10, setting="rawat_jalan")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi")
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=False, catatan_supervisor="Tambah terapi")
    assert case.open_names() == ["Susun rencana intervensi"]
    through_plan(case, referral=False)
    assert case.case().stage == "intervensi"


def test_the_period_ending_before_the_plan_is_done_goes_to_the_supervisor(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=10, setting="rawat_jalan")
    through_plan(case)
    clock.shift(timedelta(days=95))
    assert runtime.fire_timers(case.case_id)
    assert "Tinjau intervensi yang belum selesai" in case.open_names()
    assert "Pelaksanaan intervensi" not in case.open_names()


def test_monthly_monitoring_opens_a_review_each_month_of_intervensi(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=10, setting="rawat_jalan")
    through_plan(case)
    for month in (1, 2):
        clock.shift(timedelta(days=31, minutes=1))
        assert runtime.fire_timers(case.case_id)
        assert case.open_names().count("Monitoring bulanan") == month


def test_a_crisis_during_intervensi_starts_case_response_for_the_same_pm(runtime, staff, deployed, clock):
    case = start(runtime, staff, nama="Sari Dewi")
    through_assessment(case, score=30, setting="rawat_inap")
    through_plan(case)
    runtime.send_message(case.case_id, "krisis", {"uraian": "PM overdosis"}, staff.actor("peksos"))
    with runtime.session_factory() as session:
        child = session.scalars(select(Case).where(Case.parent_case_id == case.case_id)).one()
    assert child.process_key == "case_response" and child.pm_name == "Sari Dewi"
    response = CaseDriver(runtime, staff, child.id)
    assert response.open_names() == ["Kedaruratan (triase)"]
    assert "Pelaksanaan intervensi" in case.open_names()  # the intake carries on


def test_crises_at_any_stage_each_start_their_own_linked_case_response(runtime, staff, deployed, clock):
    case = start(runtime, staff, nama="Sari Dewi")
    peksos = staff.actor("peksos")
    case.complete("Identifikasi & orientasi")
    runtime.send_message(case.case_id, "krisis", {"uraian": "PM kabur saat skrining"}, peksos)
    assert case.open_names() == ["Skrining ASSIST"]  # the intake carries on
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    runtime.send_message(case.case_id, "krisis", {"uraian": "PM mengancam keluarga"}, peksos)  # asesmen
    case.complete("Asesmen lanjut", setting="rawat_inap")
    through_plan(case)
    for uraian in ["PM overdosis", "PM overdosis lagi"]:
        runtime.send_message(case.case_id, "krisis", {"uraian": uraian}, peksos)
    with runtime.session_factory() as session:
        children = session.scalars(select(Case).where(Case.parent_case_id == case.case_id)
                                   .order_by(Case.id)).all()
        spawned = session.scalars(select(HistoryEvent.data).where(
            HistoryEvent.case_id == case.case_id, HistoryEvent.kind == "case_spawned")).all()
    assert [c.process_key for c in children] == ["case_response"] * 4
    assert sorted(d["case_id"] for d in spawned) == [c.id for c in children]
    for child in children:
        assert CaseDriver(runtime, staff, child.id).open_names() == ["Kedaruratan (triase)"]
    first, _, third, _ = (runtime_case_data(runtime, c.id) for c in children)
    assert first["laporan_krisis"] == {"uraian": "PM kabur saat skrining"}
    assert first["risk_level_induk"] is None  # before skrining the case has no risk level yet
    assert third["risk_level_induk"] == "tinggi" and third["laporan_krisis"] == {"uraian": "PM overdosis"}
    assert "Pelaksanaan intervensi" in case.open_names() and case.case().stage == "intervensi"


def test_a_closed_case_takes_no_crisis_report(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=2)
    through_plan(case)
    finish_intervention_and_wait(case, runtime, clock, months=3)
    through_terminasi_and_aftercare(case, clock)
    assert case.case().status == "completed", (case.open_names(), runtime_case_data(runtime, case.case_id))
    with pytest.raises(Conflict):
        runtime.send_message(case.case_id, "krisis", {"uraian": "terlambat"}, staff.actor("peksos"))


def runtime_case_data(runtime, case_id: int) -> dict:
    with runtime.session_factory() as session:
        return session.scalars(select(HistoryEvent.data).where(
            HistoryEvent.case_id == case_id, HistoryEvent.kind == "case_started")).one()


def test_a_missed_kedaruratan_deadline_escalates_to_the_supervisor(runtime, staff, deployed, clock):
    case_id = runtime.start_case("case_response", registration(), staff.actor("peksos"))
    response = CaseDriver(runtime, staff, case_id)
    clock.shift(timedelta(hours=23))
    assert not runtime.fire_timers(case_id)
    clock.shift(timedelta(hours=2))
    assert runtime.fire_timers(case_id)
    escalation = response.task("Eskalasi: kedaruratan terlambat")
    assert escalation.role == "supervisor"
    response.complete("Kedaruratan (triase)", tingkat_kedaruratan="tinggi")
    response.complete("Intervensi krisis")
    response.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    for name in ["Rehabilitasi sosial", "Layanan penguatan PM dan keluarga"]:
        response.complete(name)
    response.complete("Eskalasi: kedaruratan terlambat")
    assert response.case().status == "completed"


def test_every_open_task_has_role_due_time_form_and_stage(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    (task,) = case.open_tasks()
    assert (task.role, task.form, task.stage) == ("konselor_adiksi", "skrining.json", "asesmen")
    assert task.due_at == clock_now(clock) + timedelta(days=3)


def test_history_records_who_did_what_in_order(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi", kondisi_awal="Cemas")
    with runtime.session_factory() as session:
        events = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.case_id)
                                 .order_by(HistoryEvent.id)).all()
        done = [e for e in events if e.kind == "task_completed"]
        assert events[0].kind == "case_started"
        assert (done[0].actor, done[0].data["kondisi_awal"]) == ("peksos", "Cemas")
        count = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.case_id == case.case_id))
    assert count == 2


def clock_now(clock):
    from engine import clock as engine_clock
    return engine_clock.now()


def test_a_task_a_timer_cancelled_can_never_be_completed(runtime, staff, deployed, clock):
    import pytest

    from engine.errors import Conflict

    case = start(runtime, staff)
    through_assessment(case, score=10, setting="rawat_jalan")
    through_plan(case)
    task = case.task("Pelaksanaan intervensi")
    clock.shift(timedelta(days=95))
    assert runtime.fire_timers(case.case_id)
    with pytest.raises(Conflict, match="no longer available"):
        runtime.complete_task(task.id, {"catatan_kemajuan": "x", "rencana_selesai": True}, staff.actor("peksos"))
    with runtime.session_factory() as session:
        assert session.get(HumanTask, task.id).status == "cancelled"


def test_each_monthly_monitoring_firing_is_in_the_history(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    through_assessment(case, score=10, setting="rawat_jalan")
    through_plan(case)
    for _ in range(2):
        clock.shift(timedelta(days=31, minutes=1))
        runtime.fire_timers(case.case_id)
    with runtime.session_factory() as session:
        fired = session.scalars(select(HistoryEvent.element_id).where(
            HistoryEvent.case_id == case.case_id, HistoryEvent.kind == "timer_fired")).all()
    assert fired == ["Timer_monitoring_bulanan", "Timer_monitoring_bulanan"]
