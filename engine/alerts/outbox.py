"""The outbox: every alert's deliveries, sent with retry and backoff, and their visible state.

A delivery row is inserted in the same transaction as its alert, one per channel and target
(unique), so an alert is never sent twice through the same channel to the same target.

Sending happens outside any transaction, so a slow SMTP server never holds a database lock:
1. claim: one statement moves due pending rows' ``next_attempt_at`` a lease ahead and counts the
   attempt (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so no other worker takes them meanwhile;
2. send;
3. record: ``sent`` only after the channel accepted it; otherwise back off exponentially and stay
   ``pending``. Only a permanent refusal (an unknown mailbox, a 4xx from the webhook) is ``failed``,
   and an admin can put a failed delivery back in the queue with `retry`.
A worker killed between a successful send and step 3 leaves the row pending; it is sent again
when the lease ends. That narrow window is the only way a message is ever repeated.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.config import Settings
from engine.errors import Conflict, NotFound
from engine.storage.models import Alert, Delivery, User, UserRole
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import DELIVERY_FAILED, DELIVERY_PENDING, DELIVERY_SENT, DELIVERY_STATUSES

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # far longer than any send may take (the channels time out at 30 s)
KIND_TITLES = {"overdue": "Tugas terlambat", "reminder": "Pengingat tugas terlambat",
               "escalation": "Eskalasi tugas terlambat"}


class DeliveryError(Exception):
    """A channel could not deliver. `permanent`: retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Job:
    """One claimed delivery, with everything needed to send it outside the transaction."""

    delivery_id: int
    channel: str
    target: str
    attempt: int
    alert: dict = field(hash=False)

    @property
    def subject(self) -> str:
        title = KIND_TITLES.get(self.alert["kind"], "Pemberitahuan")
        case = f" - kasus #{self.alert['case_id']}" if self.alert.get("case_id") else ""
        return f"[ATENSI] {title}{case}"


Sender = Callable[[Job], None]  # raises DeliveryError (or anything) when it could not deliver


# --- enqueueing, in the alert's transaction ----------------------------------------------------


def enqueue(session: Session, alert: Alert, settings: Settings) -> list[Delivery]:
    """One pending delivery per configured channel and target."""
    rows = []
    if settings.smtp_host:
        rows += [Delivery(alert_id=alert.id, channel="email", target=address)
                 for address in recipient_emails(session, alert)]
    if settings.webhook_url:
        rows.append(Delivery(alert_id=alert.id, channel="webhook", target=settings.webhook_url))
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = DELIVERY_PENDING, 0, alert.created_at or clock.now()
    session.add_all(rows)
    return rows


def recipient_emails(session: Session, alert: Alert) -> list[str]:
    """The addressee's e-mail, or every active member's of the role in the alert's unit."""
    query = select(User.email).where(User.active.is_(True), User.email.is_not(None), User.email != "")
    if alert.recipient:
        query = query.where(User.username == alert.recipient)
    elif alert.recipient_role:
        query = query.join(UserRole, UserRole.user_id == User.id).where(
            UserRole.role == alert.recipient_role, User.unit_id == alert.unit_id)
    else:
        return []
    return sorted(set(session.scalars(query)))


# --- claiming, sending, recording --------------------------------------------------------------


def claim(session_factory: sessionmaker, now: datetime, limit: int = 20) -> list[Job]:
    """Lease up to `limit` due pending deliveries in one statement, and read their alerts."""
    with UnitOfWork(session_factory) as uow:
        due = (select(Delivery.id)
               .where(Delivery.status == DELIVERY_PENDING, Delivery.next_attempt_at <= bindparam("now"))
               .order_by(Delivery.next_attempt_at).limit(limit)
               .with_for_update(skip_locked=True))  # rendered as nothing on SQLite
        leased = uow.session.execute(
            update(Delivery).where(Delivery.id.in_(due.scalar_subquery()))
            .values(attempts=Delivery.attempts + 1, next_attempt_at=bindparam("lease_until"))
            .returning(Delivery.id, Delivery.alert_id, Delivery.channel, Delivery.target, Delivery.attempts),
            {"now": now, "lease_until": now + LEASE},
        ).all()
        alerts = {a.id: _alert_payload(a) for a in uow.session.scalars(
            select(Alert).where(Alert.id.in_({row.alert_id for row in leased})))}
        uow.commit()
    return [Job(row.id, row.channel, row.target, row.attempts, alerts[row.alert_id])
            for row in sorted(leased, key=lambda r: r.id)]


def _alert_payload(alert: Alert) -> dict:
    return {"alert_id": alert.id, "dedup_key": alert.dedup_key, "kind": alert.kind, "case_id": alert.case_id,
            "task_id": alert.task_id, "unit_id": alert.unit_id, "recipient": alert.recipient,
            "recipient_role": alert.recipient_role, "message": alert.message, "link": alert.link,
            "created_at": alert.created_at.isoformat() if alert.created_at else None}


def backoff(attempt: int, settings: Settings) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour (by default) after the attempt-th failure."""
    seconds = settings.delivery_retry_base_seconds * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(seconds, settings.delivery_retry_max_seconds))


def record_sent(session_factory: sessionmaker, job: Job) -> bool:
    """Mark sent, unless the lease was lost (another worker re-claimed it). True when recorded."""
    return _record(session_factory, job, status=DELIVERY_SENT, sent_at=clock.now(), last_error=None)


def record_failure(session_factory: sessionmaker, job: Job, error: Exception, settings: Settings) -> bool:
    permanent = isinstance(error, DeliveryError) and error.permanent
    text = f"{type(error).__name__}: {error}"[:2000]
    if permanent:
        return _record(session_factory, job, status=DELIVERY_FAILED, last_error=text)
    return _record(session_factory, job, last_error=text,
                   next_attempt_at=clock.now() + backoff(job.attempt, settings))


def _record(session_factory: sessionmaker, job: Job, **values) -> bool:
    with UnitOfWork(session_factory) as uow:
        result = uow.session.execute(update(Delivery).where(
            Delivery.id == job.delivery_id, Delivery.attempts == job.attempt, Delivery.status == DELIVERY_PENDING,
        ).values(**values))
        uow.commit()
        return result.rowcount == 1


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(session_factory: sessionmaker, settings: Settings, senders: Mapping[str, Sender],
                now: datetime | None = None, batch: int = 20, budget: int = 200) -> DeliveryReport:
    """Send what is due, batch by batch, through `senders` (channel name -> send function)."""
    report = DeliveryReport()
    handled = 0
    while handled < budget:
        jobs = claim(session_factory, now or clock.now(), batch)
        if not jobs:
            break
        for job in jobs:
            _send_one(session_factory, settings, senders, job, report)
        handled += len(jobs)
    return report


def _send_one(session_factory, settings, senders, job: Job, report: DeliveryReport) -> None:
    sender = senders.get(job.channel)
    try:
        if sender is None:
            raise DeliveryError(f"channel {job.channel} is not configured on this worker")
        sender(job)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row and retried
        log.warning("delivery %s (%s to %s) attempt %s failed: %s", job.delivery_id, job.channel, job.target,
                    job.attempt, exc)
        record_failure(session_factory, job, exc, settings)
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        report.failed += permanent
        report.retrying += not permanent
        return
    record_sent(session_factory, job)
    report.sent += 1


# --- what the API shows ------------------------------------------------------------------------


def deliveries_for_alert(session: Session, alert_id: int) -> list[Delivery]:
    """Each channel's state for one alert: status, attempts, next attempt, last error, sent at."""
    return list(session.scalars(select(Delivery).where(Delivery.alert_id == alert_id)
                                .order_by(Delivery.channel, Delivery.target)))


def delivery_counts(session: Session) -> dict[str, int]:
    """How many deliveries are pending, sent and failed: for a health or metrics endpoint."""
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {**dict.fromkeys(DELIVERY_STATUSES, 0), **{status: n for status, n in rows}}


def retry(session: Session, delivery_id: int) -> Delivery:
    """Put a failed delivery back in the queue, due now (an admin fixed the address or the secret)."""
    row = session.get(Delivery, delivery_id)
    if row is None:
        raise NotFound(f"delivery {delivery_id} not found")
    if row.status != DELIVERY_FAILED:
        raise Conflict(f"delivery {delivery_id} is {row.status}, not failed")
    row.status, row.next_attempt_at = DELIVERY_PENDING, clock.now()
    return row
