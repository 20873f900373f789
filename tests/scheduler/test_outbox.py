"""The outbox's lease: a claimed delivery is nobody else's until it is recorded or the lease ends."""
from datetime import timedelta

from sqlalchemy import select

from engine.alerts import outbox
from engine.storage.models import Alert, Delivery

from .conftest import now


def queue_one(session_factory, unit_id) -> int:
    with session_factory() as session:
        alert = Alert(dedup_key="task:t:overdue", kind="overdue", unit_id=unit_id, message="Tugas terlambat",
                      created_at=now())
        session.add(alert)
        session.flush()
        session.add(Delivery(alert_id=alert.id, channel="webhook", target="http://x", next_attempt_at=now()))
        session.commit()
        return alert.id


def test_a_claimed_delivery_is_leased_and_a_crashed_worker_s_lease_runs_out(session_factory, staff, clock):
    queue_one(session_factory, staff.unit_id)
    (job,) = outbox.claim(session_factory, now())
    assert job.attempt == 1 and job.alert["message"] == "Tugas terlambat"
    assert outbox.claim(session_factory, now()) == []  # leased: no other worker takes it
    clock.shift(outbox.LEASE + timedelta(seconds=1))  # the worker died mid-send
    (again,) = outbox.claim(session_factory, now())
    assert again.delivery_id == job.delivery_id and again.attempt == 2
    assert not outbox.record_sent(session_factory, job)  # the stale worker cannot record over the new one
    assert outbox.record_sent(session_factory, again)
    with session_factory() as session:
        row = session.scalars(select(Delivery)).one()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, now())


def test_a_delivery_through_an_unconfigured_channel_waits_instead_of_vanishing(session_factory, staff, settings,
                                                                               clock):
    queue_one(session_factory, staff.unit_id)
    report = outbox.deliver_due(session_factory, settings, senders={})
    assert (report.sent, report.retrying) == (0, 1)
    with session_factory() as session:
        row = session.scalars(select(Delivery)).one()
    assert row.status == "pending" and "not configured" in row.last_error


def test_delivery_counts_show_the_outbox_at_a_glance(session_factory, staff, clock):
    queue_one(session_factory, staff.unit_id)
    with session_factory() as session:
        assert outbox.delivery_counts(session) == {"pending": 1, "sent": 0, "failed": 0}
