"""Delivering alerts to real local peers: an SMTP server and a webhook receiver on loopback.

Both go down: deliveries stay pending and back off. Both come back: everything arrives, once.
"""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.alerts import outbox
from engine.alerts.channels import SIGNATURE_HEADER, verify_signature
from engine.storage.models import Alert, Delivery
from tests.case_driver import CaseDriver, registration
from workers.scheduler import DueWork

from .conftest import give_emails, now
from .peers import SmtpPeer, WebhookPeer

SECRET = "rahasia-webhook-uji"


@pytest.fixture
def smtp():
    peer = SmtpPeer().up()
    yield peer
    peer.down()


@pytest.fixture
def hook():
    peer = WebhookPeer().up()
    yield peer
    peer.down()


@pytest.fixture
def live_work(session_factory, settings, smtp, hook):
    give_emails(session_factory, peksos="peksos@balai.example.id", supervisor="spv@balai.example.id")
    settings = replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="atensi@balai.example.id",
                       webhook_url=hook.url, webhook_secret=SECRET)
    return DueWork(session_factory, settings)  # the real channels, from the settings


def overdue_task(runtime, staff, clock, assignee="peksos"):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    task = case.task("Identifikasi & orientasi")
    runtime.claim(task.id, staff.actor(assignee))
    clock.move_to(task.due_at + timedelta(minutes=1))
    return task


def deliveries(session_factory) -> list[Delivery]:
    with session_factory() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_the_overdue_alert_arrives_by_email_and_as_a_signed_webhook(runtime, staff, deployed, live_work, smtp,
                                                                    hook, clock):
    task = overdue_task(runtime, staff, clock)
    report = live_work.run_pass()
    assert (report.alerts, report.deliveries.sent) == (1, 2)
    (mail,) = smtp.messages
    assert mail["To"] == "peksos@balai.example.id" and mail["From"] == "atensi@balai.example.id"
    assert mail["Subject"] == f"[ATENSI] Tugas terlambat - kasus #{task.case_id}"
    assert 'tugas "Identifikasi & orientasi"' in mail.get_content()
    assert f"/tasks/{task.id}" in mail.get_content()
    ((headers, body),) = hook.requests
    assert verify_signature(SECRET, body, headers[SIGNATURE_HEADER])
    payload = hook.bodies()[0]
    assert payload["event"] == "alert.overdue"
    assert payload["alert"]["task_id"] == task.id and payload["alert"]["recipient"] == "peksos"
    assert headers["X-Atensi-Dedup-Key"] == payload["alert"]["dedup_key"]
    assert [(d.status, d.attempts) for d in deliveries(runtime.session_factory)] == [("sent", 1), ("sent", 1)]


def test_peers_that_are_down_delay_delivery_and_lose_or_double_nothing(runtime, staff, deployed, live_work, smtp,
                                                                       hook, clock):
    smtp.down()
    hook.down()
    task = overdue_task(runtime, staff, clock)
    live_work.run_pass()
    rows = deliveries(runtime.session_factory)
    assert [(d.channel, d.status, d.attempts) for d in rows] == [("email", "pending", 1), ("webhook", "pending", 1)]
    assert all(d.next_attempt_at == now() + timedelta(seconds=30) and d.last_error for d in rows)
    clock.shift(timedelta(seconds=31))
    live_work.run_pass()
    assert {d.next_attempt_at for d in deliveries(runtime.session_factory)} == {now() + timedelta(seconds=60)}
    clock.move_to(task.due_at + timedelta(hours=24, minutes=2))  # a reminder joins the queue, peers still down
    live_work.run_pass()
    assert len(deliveries(runtime.session_factory)) == 4
    smtp.up()
    hook.up()
    assert live_work.run_pass().deliveries.sent == 0  # still backing off
    clock.shift(timedelta(minutes=3))
    assert live_work.run_pass().deliveries.sent == 4
    live_work.run_until_idle()
    assert [d.status for d in deliveries(runtime.session_factory)] == ["sent"] * 4
    with runtime.session_factory() as session:
        keys = sorted(session.scalars(select(Alert.dedup_key)))
    assert sorted(m["X-Atensi-Dedup-Key"] for m in smtp.messages) == keys
    assert sorted(b["alert"]["dedup_key"] for b in hook.bodies()) == keys


def test_a_permanent_refusal_is_failed_visibly_and_can_be_retried(runtime, staff, deployed, live_work, smtp, hook,
                                                                  session_factory, clock):
    give_emails(session_factory, peksos2="hilang@balai.example.id")
    overdue_task(runtime, staff, clock, assignee="peksos2")
    hook.status = 410
    live_work.run_pass()
    (email, webhook) = deliveries(session_factory)
    assert (email.status, webhook.status) == ("failed", "failed")
    assert "550" in email.last_error and "410" in webhook.last_error
    with session_factory() as session:
        shown = outbox.deliveries_for_alert(session, email.alert_id)
        assert [(d.channel, d.status, d.attempts) for d in shown] == [("email", "failed", 1), ("webhook", "failed", 1)]
        outbox.retry(session, webhook.id)
        session.commit()
    hook.status = 200
    live_work.run_pass()
    assert [d.status for d in deliveries(session_factory)] == ["failed", "sent"]
    assert len(hook.requests) == 2


def test_a_webhook_answering_503_is_retried_not_failed(runtime, staff, deployed, live_work, hook, clock):
    overdue_task(runtime, staff, clock)
    hook.status = 503
    live_work.run_pass()
    webhook = [d for d in deliveries(runtime.session_factory) if d.channel == "webhook"][0]
    assert (webhook.status, webhook.attempts) == ("pending", 1) and "503" in webhook.last_error
