"""Overdue alerts, reminders and escalations for open human tasks.

`human_tasks.next_alert_at` (indexed) says when the scheduler next has to look at a task: it is the
task's due time when the task opens and None once it closes. A worker claims due tasks with one
locking statement (``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL), decides which alerts are due,
inserts them with their outbox deliveries, and moves ``next_alert_at`` on, in one transaction.

For a task due at D, with reminders every R hours and a grace period of G hours:
- at D, an **overdue** alert to the assignee, or to the role's queue in the task's unit;
- at D + nR (n = 1, 2, ...), **reminder** n to the same people, for as long as the task is open;
- at D + G, one **escalation** to the unit's supervisors.
After downtime only the newest reminder is sent, never a burst of the missed ones.

Every alert has a dedup key (task, kind, occurrence) under a unique constraint, and is inserted
with ON CONFLICT DO NOTHING: re-runs, restarts and concurrent workers never create it twice.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from engine import clock, durations
from engine.alerts import outbox
from engine.config import Settings
from engine.storage.models import Alert, Case, CaseHandover, HumanTask, Unit
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import (
    ESCALATION_ROLE,
    HANDOVER_PENDING,
    PEKERJA_SOSIAL,
    ROLE_LABELS,
    SUPERVISOR,
    TASK_OPEN,
    TRANSFER,
    URGENT_PRIORITY,
)

URGENT = "urgent"  # an urgent task (engine.vocabulary.URGENT_PRIORITY) just opened
RETRY_AFTER = timedelta(minutes=5)  # a task whose alerts could not be raised is tried again after this
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertPolicy:
    reminder_every: timedelta | None  # None: no reminders
    escalate_after: timedelta | None  # None: no escalation
    timezone: str = "Asia/Jakarta"
    base_url: str = "http://127.0.0.1:8080"

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertPolicy:
        def hours(value: float) -> timedelta | None:
            return timedelta(hours=value) if value > 0 else None
        return cls(hours(settings.overdue_reminder_hours), hours(settings.escalation_grace_hours),
                   settings.timezone, settings.base_url)


@dataclass(frozen=True)
class Occurrence:
    kind: str  # overdue | reminder | escalation | urgent
    number: int = 0  # the reminder's number

    def dedup_key(self, task_id: str) -> str:
        suffix = f":{self.number}" if self.kind == "reminder" else ""
        return f"task:{task_id}:{self.kind}{suffix}"


# --- deciding (pure: no database) --------------------------------------------------------------


def plan(due_at: datetime, now: datetime, policy: AlertPolicy, sent: set[str],
         task_id: str, urgent: bool = False) -> tuple[list[Occurrence], datetime | None]:
    """Which alerts are due now for a task, and when to look at it next. An urgent task alerts the
    supervisors once, as soon as it opens."""
    due: list[Occurrence] = []
    if urgent and Occurrence(URGENT).dedup_key(task_id) not in sent:
        due.append(Occurrence(URGENT))
    if now < due_at:
        return due, due_at
    late = now - due_at
    overdue = Occurrence("overdue")
    reminders = int(late / policy.reminder_every) if policy.reminder_every else 0
    if overdue.dedup_key(task_id) not in sent:
        due.append(overdue)
    elif reminders >= 1 and Occurrence("reminder", reminders).dedup_key(task_id) not in sent:
        due.append(Occurrence("reminder", reminders))
    escalation = Occurrence("escalation")
    escalated = escalation.dedup_key(task_id) in sent
    if policy.escalate_after is not None and late >= policy.escalate_after and not escalated:
        due.append(escalation)
        escalated = True
    upcoming = []
    if policy.reminder_every:
        upcoming.append(due_at + (reminders + 1) * policy.reminder_every)
    if policy.escalate_after is not None and not escalated:
        upcoming.append(due_at + policy.escalate_after)
    return due, min(upcoming) if upcoming else None


def lateness_text(late: timedelta) -> str:
    """'3 hari', '5 jam', '1 menit': as the pages say it (engine.durations)."""
    return durations.lateness_in_words(late)


def local_time_text(moment: datetime, timezone: str) -> str:
    """'8 Jan 2026 09.00 WIB': written as the pages write moments (engine.clock), in the configured zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{format_datetime(local, clock.DATETIME_PATTERN, locale='id')} {local.strftime('%Z')}"


# What an alert's message said of the moment it was written (how late, the deadline; older alerts
# wrote '3 hari 2 jam', 'kurang dari 1 menit' and '08-01-2026 09:00 WIB'): a page leaves it out and
# says how late the work is now, as the task rows do.
_SNAPSHOT = re.compile(r",? terlambat (kurang dari 1 menit|\d+ (hari|jam|menit)( \d+ (jam|menit))?)"
                       r"|\s*Batas waktu: (\d{2}-\d{2}-\d{4} \d{2}:\d{2}|\d{1,2} \S+ \d{4} \d{2}\.\d{2}) \S+\.")


def without_snapshot(text: str) -> str:
    return _SNAPSHOT.sub("", text)


def message(occurrence: Occurrence, task: HumanTask, pm_name: str, now: datetime, policy: AlertPolicy) -> str:
    what = f'tugas "{task.name}"' + (f" (tahap {task.stage})" if task.stage else "")
    case = f"kasus #{task.case_id}" + (f" (PM: {pm_name})" if pm_name else "")
    late = f"terlambat {lateness_text(now - task.due_at)}"
    deadline = f"Batas waktu: {local_time_text(task.due_at, policy.timezone)}."
    link = f"Buka tugas: {task_link(task.id, policy)}"
    if occurrence.kind == URGENT:
        return f"Mendesak: {what} untuk {case} baru dibuka dan perlu segera ditangani. {deadline} {link}"
    if occurrence.kind == "overdue":
        return f"Tugas terlambat: {what} untuk {case} {late}. {deadline} {link}"
    if occurrence.kind == "reminder":
        return (f"Pengingat ke-{occurrence.number}: {what} untuk {case} belum selesai, {late}. "
                f"{deadline} {link}")
    holder = task.assignee or f"antrean peran {ROLE_LABELS.get(task.role or '', task.role or '-')}"
    return (f"Eskalasi ke supervisor: {what} untuk {case} belum selesai, {late}. "
            f"Penanggung jawab: {holder}. {deadline} {link}")


def task_link(task_id: str, policy: AlertPolicy) -> str:
    return f"{policy.base_url.rstrip('/')}/tasks/{task_id}"


def recipient(occurrence: Occurrence, task: HumanTask) -> tuple[str | None, str | None]:
    """(username, role): the assignee, else the role's queue; escalations go to the supervisors."""
    if occurrence.kind in ("escalation", URGENT):
        return None, ESCALATION_ROLE
    if task.assignee:
        return task.assignee, None
    return None, task.role


# --- doing (one transaction per batch of claimed tasks) ----------------------------------------


def due_task_ids(session: Session, now: datetime, limit: int = 100) -> list[str]:
    """Claim up to `limit` tasks whose alerts are due, skipping tasks another worker holds."""
    query = (select(HumanTask.id).where(HumanTask.next_alert_at <= bindparam("now"))
             .order_by(HumanTask.next_alert_at).limit(limit)
             .with_for_update(skip_locked=True, key_share=True))  # rendered as nothing on SQLite
    return list(session.scalars(query, {"now": now}))


def raise_due_alerts(session_factory: sessionmaker, settings: Settings, now: datetime | None = None,
                     batch: int = 100, budget: int = 1000) -> list[Alert]:
    """Create every alert that is due, batch by batch. Returns the alerts created."""
    now = now or clock.now()
    policy = AlertPolicy.from_settings(settings)
    created: list[Alert] = []
    # Open tasks, then pending transfers and referrals: the same rules, addressed to the receiving unit.
    kinds = ((due_task_ids, _alert_task_or_defer), (due_handover_ids, alert_handover))
    looked_at = 0
    for claim_due, alert_one in kinds:
        while looked_at < budget:
            with UnitOfWork(session_factory) as uow:
                ids = claim_due(uow.session, now, batch)
                if not ids:
                    break
                for item_id in ids:
                    created.extend(alert_one(uow.session, item_id, now, policy, settings))
                uow.commit()
            looked_at += len(ids)
    return created


def _alert_task_or_defer(session: Session, task_id: str, now: datetime, policy: AlertPolicy,
                         settings: Settings) -> list[Alert]:
    """One task's alerts in a savepoint: a task that cannot be alerted is retried later, alone."""
    try:
        with session.begin_nested():
            return alert_task(session, task_id, now, policy, settings)
    except Exception:  # noqa: BLE001 - one broken task must not hold back the others' alerts
        log.exception("alerting task %s failed; retrying in %s", task_id, RETRY_AFTER)
        session.execute(update(HumanTask).where(HumanTask.id == task_id).values(next_alert_at=now + RETRY_AFTER))
        return []


def alert_task(session: Session, task_id: str, now: datetime, policy: AlertPolicy,
               settings: Settings) -> list[Alert]:
    """Insert the task's due alerts (and their deliveries) and set its next look. Caller holds the lock."""
    task = session.get(HumanTask, task_id, populate_existing=True)
    if task.status != TASK_OPEN or task.due_at is None:
        task.next_alert_at = None
        return []
    sent = set(session.scalars(select(Alert.dedup_key).where(Alert.case_id == task.case_id,
                                                              Alert.task_id == task.id)))
    occurrences, task.next_alert_at = plan(task.due_at, now, policy, sent, task.id,
                                           urgent=task.priority == URGENT_PRIORITY)
    pm_name = session.scalar(select(Case.pm_name).where(Case.id == task.case_id)) or ""
    created = []
    for occurrence in occurrences:
        alert = _insert_once(session, occurrence, task, pm_name, now, policy)
        if alert is not None:
            outbox.enqueue(session, alert, settings)
            created.append(alert)
    task.alerts_sent = (task.alerts_sent or 0) + len(created)
    return created


# --- pending handovers (engine.cases.handover): late like a task, to the receiving unit ----------------


def handover_key(handover_id: int) -> str:
    """The prefix of a handover's alerts' dedup keys (they have no task): 'handover:12'."""
    return f"handover:{handover_id}"


def handover_of(dedup_key: str | None) -> int | None:
    """The transfer or referral an alert is about, from its dedup key ('handover:12:overdue' -> 12)."""
    prefix, _, rest = (dedup_key or "").partition(":")
    number = rest.split(":", 1)[0]
    return int(number) if prefix == "handover" and number.isdigit() else None


def due_handover_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    query = (select(CaseHandover.id).where(CaseHandover.next_alert_at <= bindparam("now"))
             .order_by(CaseHandover.next_alert_at).limit(limit)
             .with_for_update(skip_locked=True, key_share=True))
    return list(session.scalars(query, {"now": now}))


def alert_handover(session: Session, handover_id: int, now: datetime, policy: AlertPolicy,
                   settings: Settings) -> list[Alert]:
    """A pending transfer waits for a supervisor of the receiving unit (so it does not escalate to
    them again); a pending referral waits for its pekerja sosial, and escalates to the supervisors."""
    row = session.get(CaseHandover, handover_id, populate_existing=True)
    if row.status != HANDOVER_PENDING or row.due_at is None or row.to_unit_id is None:
        row.next_alert_at = None
        return []
    key = handover_key(row.id)
    if row.kind == TRANSFER:
        policy = replace(policy, escalate_after=None)
    sent = {k.replace(key, "task:" + key, 1) for k in
            session.scalars(select(Alert.dedup_key).where(Alert.dedup_key.startswith(key + ":")))}
    occurrences, row.next_alert_at = plan(row.due_at, now, policy, sent, key)
    pm_name = session.scalar(select(Case.pm_name).where(Case.id == row.case_id)) or ""
    from_name = session.scalar(select(Unit.name).where(Unit.id == row.from_unit_id)) or ""
    link = f"{policy.base_url.rstrip('/')}/handovers/{row.id}"
    created = []
    for occurrence in occurrences:
        if occurrence.kind == "escalation":
            role = ESCALATION_ROLE
        else:
            role = SUPERVISOR if row.kind == TRANSFER else PEKERJA_SOSIAL
        what = ("permintaan pindah kasus" if row.kind == TRANSFER else f"rujukan layanan {row.service}")
        late = f"terlambat {lateness_text(now - row.due_at)}"
        lead = {"overdue": "Belum dijawab", "reminder": f"Pengingat ke-{occurrence.number}",
                "escalation": "Eskalasi ke supervisor"}[occurrence.kind]
        text = (f"{lead}: {what} dari {from_name} untuk kasus #{row.case_id}" + (f" (PM: {pm_name})" if pm_name else "")
                + f", {late}. Batas waktu: {local_time_text(row.due_at, policy.timezone)}. Buka: {link}")
        values = dict(dedup_key=occurrence.dedup_key(key).removeprefix("task:"), kind=occurrence.kind,
                      case_id=row.case_id, task_id=None, unit_id=row.to_unit_id, recipient=None,
                      recipient_role=role, message=text, link=link, created_at=now)
        alert = _insert_values(session, values)
        if alert is not None:
            outbox.enqueue(session, alert, settings)
            created.append(alert)
    return created


def _insert_values(session: Session, values: dict) -> Alert | None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(Alert).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Alert.id))
    alert_id = session.scalar(statement)
    return None if alert_id is None else session.get(Alert, alert_id)


def _insert_once(session: Session, occurrence: Occurrence, task: HumanTask, pm_name: str, now: datetime,
                 policy: AlertPolicy) -> Alert | None:
    username, role = recipient(occurrence, task)
    values = dict(
        dedup_key=occurrence.dedup_key(task.id), kind=occurrence.kind, case_id=task.case_id, task_id=task.id,
        unit_id=task.unit_id, recipient=username, recipient_role=role,
        message=message(occurrence, task, pm_name, now, policy), link=task_link(task.id, policy),
        created_at=now,
    )
    return _insert_values(session, values)
