"""Finding and firing due BPMN timers, touching only the cases that are due.

`cases.next_timer_at` (indexed, kept by engine.cases.sync after every step) is the earliest due
time of a case's waiting timers. A worker claims one due case with a single locking statement,
fires it and commits, all in one transaction: the firing, the case's new state, its new tasks and
its history commit together or not at all. On PostgreSQL the claim is
``FOR NO KEY UPDATE SKIP LOCKED``, so several workers take disjoint cases and a case locked by an
API request is simply left for the next pass. On SQLite a writing unit of work holds the database
write lock (BEGIN IMMEDIATE), so workers take turns.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.cases import history
from engine.cases.runtime import fire_timers_in
from engine.definitions import versions
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case, CaseHandover, Delivery, HumanTask, ProcessVersion
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import DELIVERY_PENDING

log = logging.getLogger(__name__)

# A case whose timer could not be fired is tried again after this long, so that one broken case
# never keeps a worker busy nor blocks the cases due after it.
RETRY_AFTER = timedelta(seconds=30)


def due_case_ids(session: Session, now: datetime, limit: int = 1) -> list[int]:
    """Claim up to `limit` due cases, earliest first, skipping cases another transaction holds."""
    return [case_id for case_id, _ in _claim_due(session, now, limit)]


def _claim_due(session: Session, now: datetime, limit: int) -> list[tuple[int, datetime]]:
    query = (select(Case.id, Case.next_timer_at).where(Case.next_timer_at <= bindparam("now"))
             .order_by(Case.next_timer_at).limit(limit)
             .with_for_update(skip_locked=True, key_share=True))  # rendered as nothing on SQLite
    return [(row.id, row.next_timer_at) for row in session.execute(query, {"now": now})]


@dataclass(frozen=True)
class DueTimes:
    """The earliest due time of each kind of scheduled work; None where there is none."""

    timers: datetime | None
    alerts: datetime | None
    deliveries: datetime | None

    @property
    def earliest(self) -> datetime | None:
        found = [t for t in (self.timers, self.alerts, self.deliveries) if t is not None]
        return min(found) if found else None


def due_times(session: Session) -> DueTimes:
    """Three MIN() lookups on indexed columns in one round trip: the cost does not grow with the
    number of cases, which is what lets the scheduler check it twice a second."""
    timers = select(func.min(Case.next_timer_at)).scalar_subquery()
    alerts = select(func.min(HumanTask.next_alert_at)).scalar_subquery()
    handovers = select(func.min(CaseHandover.next_alert_at)).scalar_subquery()  # pending transfers, referrals
    retries = select(func.min(Delivery.next_attempt_at)).where(Delivery.status == DELIVERY_PENDING).scalar_subquery()
    timer, task_alert, handover_alert, retry = (None if v is None else clock.as_utc(v) for v in
                                                 session.execute(select(timers, alerts, handovers, retries)).one())
    alert = min((t for t in (task_alert, handover_alert) if t is not None), default=None)
    return DueTimes(timer, alert, retry)


def next_due(session: Session) -> datetime | None:
    """The earliest moment any scheduled work is due: a timer, a task alert or a delivery retry."""
    return due_times(session).earliest


def warm_up(session: Session, soonest: int = 100) -> int:
    """Compile, before the first firing, the versions of the cases due first and each process's
    newest version: the first firing on a version restores its spec (100-200 ms), which a timer
    due at that moment, and the ones after it, would wait for. Returns how many were compiled."""
    due_first = (select(Case.process_version_id).where(Case.next_timer_at.is_not(None))
                 .order_by(Case.next_timer_at).limit(soonest).subquery())
    newest = select(func.max(ProcessVersion.id)).group_by(ProcessVersion.process_key)
    version_ids = set(session.scalars(select(due_first.c.process_version_id))) | set(session.scalars(newest))
    for version_id in sorted(version_ids):
        versions.compiled(session, version_id)
    return len(version_ids)


@dataclass(frozen=True)
class Firing:
    case_id: int
    fired: bool  # False: the case was no longer due when locked (another worker fired it)
    error: str | None = None


def fire_next(session_factory: sessionmaker, now: datetime | None = None) -> Firing | None:
    """Claim one due case and fire its timers in one transaction. None when nothing is claimable."""
    now = now or clock.now()
    with UnitOfWork(session_factory) as uow:
        claimed = _claim_due(uow.session, now, limit=1)
        if not claimed:
            return None
        case_id, due_before = claimed[0]
        _commit_without_waiting_for_disk(uow.session)
        try:
            fired = fire_timers_in(uow, case_id)
            if fired:
                _guard_against_no_progress(uow.session, case_id, due_before, now)
            uow.commit()
            return Firing(case_id, fired)
        except Exception as exc:  # noqa: BLE001 - one broken case must not stop the others
            log.exception("firing the timers of case %s failed", case_id)
            error = f"{type(exc).__name__}: {exc}"
    defer_case(session_factory, case_id, now + RETRY_AFTER, error)
    return Firing(case_id, False, error)


def _commit_without_waiting_for_disk(session: Session) -> None:
    """PostgreSQL: this firing's commit returns before its WAL reaches the disk (flushed within
    a fraction of a second), so that a slow disk flush (100-300 ms on a shared disk, bench/scale.py)
    does not hold back the timers due next. If the database server itself crashes in that moment,
    the firing is lost whole, with all it wrote, and the timer, still due, fires again after the
    restart; a later synchronous commit (any API write) flushes it first."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ASYNC_COMMIT)


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")


def _guard_against_no_progress(session: Session, case_id: int, due_before: datetime | None,
                               now: datetime) -> None:
    """A timer that stays due after firing would be claimed again at once, for ever: push it back."""
    case = session.get(Case, case_id)
    if case.next_timer_at is not None and case.next_timer_at == due_before and case.next_timer_at <= now:
        log.warning("case %s: its timer due %s did not fire; retrying in %s", case_id, due_before, RETRY_AFTER)
        case.next_timer_at = now + RETRY_AFTER


def defer_case(session_factory: sessionmaker, case_id: int, until: datetime, error: str) -> None:
    """Move a failing case's next firing attempt to `until`, and say why in its history."""
    with UnitOfWork(session_factory) as uow:
        uow.session.execute(update(Case).where(Case.id == case_id, Case.next_timer_at.is_not(None))
                            .values(next_timer_at=until))
        history.record(uow.session, case_id, SYSTEM_ACTOR.username, "timer_error", error[:2000],
                       data={"retry_at": until.isoformat()})
        uow.commit()


def fire_due(session_factory: sessionmaker, budget: int = 200, now: datetime | None = None) -> list[Firing]:
    """Fire due cases one transaction each, until none is claimable or the budget is spent."""
    firings: list[Firing] = []
    while len(firings) < budget:
        firing = fire_next(session_factory, now)
        if firing is None:
            break
        firings.append(firing)
    return firings
