"""Overdue alerts, reminders and escalations, raised by scheduler passes under a controllable clock."""
import threading
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select, update

from engine.alerts import overdue as alerts
from engine.storage.models import Alert, Delivery, HumanTask
from tests.case_driver import CaseDriver, registration
from workers.scheduler import DueWork

from .conftest import give_emails, now

SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)


def start_intake(runtime, staff, **extra) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**extra),
                                                         staff.actor("peksos")))


def alerts_of(session_factory, task_id=None) -> list[Alert]:
    query = select(Alert).order_by(Alert.id)
    if task_id:
        query = query.where(Alert.task_id == task_id)
    with session_factory() as session:
        return list(session.scalars(query))


def test_an_unclaimed_overdue_task_alerts_its_role_queue_in_the_unit(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff, nama="Sari Dewi")
    task = case.task("Identifikasi & orientasi")
    clock.move_to(task.due_at - SECOND)
    assert work.run_pass().alerts == 0
    clock.move_to(task.due_at + timedelta(hours=2, minutes=5))
    assert work.run_pass().alerts == 1
    (alert,) = alerts_of(runtime.session_factory)
    assert (alert.kind, alert.recipient, alert.recipient_role, alert.unit_id, alert.task_id) == (
        "overdue", None, "pekerja_sosial", staff.unit_id, task.id)
    assert alert.link == f"https://atensi.example.id/tasks/{task.id}"
    assert alert.message == (
        f'Tugas terlambat: tugas "Identifikasi & orientasi" (tahap identifikasi) untuk kasus #{case.case_id} '
        f"(PM: Sari Dewi) terlambat 2 jam. Batas waktu: 8 Jan 2026 09.00 WIB. "
        f"Buka tugas: https://atensi.example.id/tasks/{task.id}")


def test_a_claimed_overdue_task_alerts_its_assignee(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    task = case.task("Identifikasi & orientasi")
    runtime.claim(task.id, staff.actor("peksos2"))
    clock.move_to(task.due_at + SECOND)
    work.run_pass()
    (alert,) = alerts_of(runtime.session_factory)
    assert (alert.recipient, alert.recipient_role) == ("peksos2", None)


def test_reminders_repeat_daily_and_it_escalates_to_the_supervisors_after_two_days(
        runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    task = case.task("Identifikasi & orientasi")
    for hours in (0, 12, 24, 36, 48, 60, 72):
        clock.move_to(task.due_at + hours * HOUR + SECOND)
        work.run_pass()
    sent = alerts_of(runtime.session_factory)
    assert [a.dedup_key.split(":", 2)[2] for a in sent] == [
        "overdue", "reminder:1", "reminder:2", "escalation", "reminder:3"]
    escalation = sent[3]
    assert (escalation.recipient, escalation.recipient_role, escalation.unit_id) == (None, "supervisor",
                                                                                     staff.unit_id)
    assert escalation.message.startswith('Eskalasi ke supervisor: tugas "Identifikasi & orientasi"')
    assert "terlambat 2 hari." in escalation.message
    assert "Penanggung jawab: antrean peran Pekerja Sosial." in escalation.message
    assert sent[1].message.startswith("Pengingat ke-1: ")
    with runtime.session_factory() as session:
        row = session.get(HumanTask, task.id)
    assert row.alerts_sent == 5 and row.next_alert_at == task.due_at + 96 * HOUR


def test_a_first_look_long_after_the_due_time_says_how_late_and_sends_no_burst(
        runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    task = case.task("Identifikasi & orientasi")
    clock.move_to(task.due_at + timedelta(days=3, hours=2))  # the scheduler was down for three days
    work.run_pass()
    kinds = [a.kind for a in alerts_of(runtime.session_factory)]
    assert kinds == ["overdue", "escalation"]
    assert "terlambat 3 hari." in alerts_of(runtime.session_factory)[0].message


def test_running_the_alert_pass_again_never_repeats_an_alert(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    task = case.task("Identifikasi & orientasi")
    clock.move_to(task.due_at + HOUR)
    work.run_pass()
    work.run_pass()
    with runtime.session_factory() as session:  # as if a worker died after alerting, before moving on
        session.execute(update(HumanTask).where(HumanTask.id == task.id).values(next_alert_at=task.due_at))
        session.commit()
    work.run_pass()
    assert [a.kind for a in alerts_of(runtime.session_factory)] == ["overdue"]


def test_two_workers_alerting_at_once_create_each_alert_once(runtime, staff, deployed, settings, clock):
    tasks = [start_intake(runtime, staff, nik=f"31710115019000{i:02d}").task("Identifikasi & orientasi")
             for i in range(12)]
    clock.move_to(tasks[0].due_at + HOUR)
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        alerts.raise_due_alerts(runtime.session_factory, settings, batch=3)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.task_id for a in alerts_of(runtime.session_factory)) == sorted(t.id for t in tasks)


def test_the_dedup_key_holds_even_without_the_task_lock(runtime, staff, deployed, settings, clock):
    task = start_intake(runtime, staff).task("Identifikasi & orientasi")
    clock.move_to(task.due_at + HOUR)
    policy = alerts.AlertPolicy.from_settings(settings)
    for _ in range(2):  # two sessions deciding the same alert, as two workers ignoring the claim would
        with runtime.session_factory() as session:
            session.execute(update(HumanTask).where(HumanTask.id == task.id).values(next_alert_at=task.due_at))
            alerts.alert_task(session, task.id, now(), policy, settings)
            session.commit()
    assert len(alerts_of(runtime.session_factory)) == 1


def test_a_completed_task_raises_no_more_alerts(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff)
    task = case.task("Identifikasi & orientasi")
    clock.move_to(task.due_at + HOUR)
    work.run_pass()
    case.complete("Identifikasi & orientasi")
    clock.move_to(task.due_at + 10 * 24 * HOUR)
    work.run_pass()
    assert [a.kind for a in alerts_of(runtime.session_factory, task.id)] == ["overdue"]


def to_aftercare(runtime, case: CaseDriver, work, clock) -> None:
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=2)  # low risk: family-based, no reintegrasi
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["dukungan_keluarga"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    clock.move_to(case.case().next_timer_at + SECOND)
    work.run_pass()
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    case.complete("Persetujuan terminasi", terminasi_disetujui=True)
    case.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])


def test_a_follow_up_visit_not_done_by_its_date_is_overdue_then_escalated(runtime, staff, deployed, work, clock):
    case = start_intake(runtime, staff, nama="Andi Pratama")
    to_aftercare(runtime, case, work, clock)
    visit = case.task("Kunjungan tindak lanjut")
    assert visit.stage == "aftercare"
    assert timedelta(days=28) <= visit.due_at - now() <= timedelta(days=31)  # the visit's own date
    clock.move_to(visit.due_at + timedelta(days=1, hours=1))
    work.run_pass()
    clock.move_to(visit.due_at + timedelta(days=2, hours=1))
    work.run_pass()
    sent = alerts_of(runtime.session_factory, visit.id)
    assert [a.kind for a in sent] == ["overdue", "reminder", "escalation"]
    assert sent[0].message.startswith('Tugas terlambat: tugas "Kunjungan tindak lanjut" (tahap aftercare) untuk '
                                      f"kasus #{case.case_id} (PM: Andi Pratama) terlambat 1 hari.")
    assert sent[2].recipient_role == "supervisor"


def test_each_alert_queues_one_delivery_per_channel_and_address(runtime, staff, deployed, session_factory,
                                                                settings, clock):
    give_emails(session_factory, peksos="peksos@balai.example.id", peksos2="peksos2@balai.example.id",
                supervisor="spv@balai.example.id", asing="asing@lks.example.id")
    settings = replace(settings, smtp_host="127.0.0.1", webhook_url="http://127.0.0.1:9/hook")
    work = DueWork(session_factory, settings, senders={})
    task = start_intake(runtime, staff).task("Identifikasi & orientasi")
    clock.move_to(task.due_at + timedelta(days=2, hours=1))
    work.run_pass()
    with session_factory() as session:
        rows = session.execute(select(Alert.kind, Delivery.channel, Delivery.target, Delivery.status)
                               .join(Delivery, Delivery.alert_id == Alert.id)
                               .order_by(Alert.id, Delivery.channel, Delivery.target)).all()
    hook = "http://127.0.0.1:9/hook"
    assert [tuple(r) for r in rows] == [
        ("overdue", "email", "peksos2@balai.example.id", "pending"),
        ("overdue", "email", "peksos@balai.example.id", "pending"),
        ("overdue", "webhook", hook, "pending"),
        ("escalation", "email", "spv@balai.example.id", "pending"),
        ("escalation", "webhook", hook, "pending"),
    ]


def test_a_task_that_cannot_be_alerted_is_retried_later_without_holding_back_the_others(
        runtime, staff, deployed, work, clock, monkeypatch):
    broken = start_intake(runtime, staff, nama="Rusak").task("Identifikasi & orientasi")
    healthy = start_intake(runtime, staff, nama="Sehat", nik="3171011501900002").task("Identifikasi & orientasi")
    real_message = alerts.message

    def message(occurrence, task, pm_name, *args):
        if pm_name == "Rusak":
            raise RuntimeError("template broken")
        return real_message(occurrence, task, pm_name, *args)

    monkeypatch.setattr(alerts, "message", message)
    clock.move_to(healthy.due_at + HOUR)
    work.run_pass()
    assert [a.task_id for a in alerts_of(runtime.session_factory)] == [healthy.id]
    with runtime.session_factory() as session:
        assert session.get(HumanTask, broken.id).next_alert_at == now() + alerts.RETRY_AFTER
    monkeypatch.setattr(alerts, "message", real_message)
    clock.shift(alerts.RETRY_AFTER)
    work.run_pass()
    assert sorted(a.task_id for a in alerts_of(runtime.session_factory)) == sorted([healthy.id, broken.id])
