"""The scheduler: fires BPMN timers on time, raises task alerts, and empties the outbox.

Two APScheduler jobs, with named ids:
- ``atensi.due-work`` runs one pass (due timers, each case in its own transaction; then due task
  alerts; then due deliveries). It is re-armed after every pass for the earliest due time, so
  the worker sleeps until then instead of polling cases. Its interval is only a safety sweep.
- ``atensi.watch-next-due`` reads the earliest due time (three indexed MIN() lookups, whatever the
  number of cases) every `scheduler_poll_seconds`, and moves ``atensi.due-work`` earlier when
  another process (an API request, a deploy, another worker) created earlier work.
- Python's full garbage collections run between passes when nothing is due for a second
  (workers.collection), not in the middle of firing a timer.
- ``atensi.retention``, only with ``ATENSI_RETENTION_AUTOMATIC=1``: once a day, anonymise the closed
  cases past ``ATENSI_RETENTION_YEARS`` (engine.privacy.retention; ``atensi retention`` does it by hand).

Any number of these may run against PostgreSQL: claims use ``SKIP LOCKED`` and each firing
commits with the case's new state or not at all. Against SQLite, run one at a time.
"""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import sessionmaker

from engine import clock
from engine.alerts import channels as notifications
from engine.alerts import outbox
from engine.alerts import overdue as alerts
from engine.casefile.blobs import store_for
from engine.cases import sandbox_pool, timers
from engine.config import Settings
from engine.privacy.retention import Retention
from engine.storage.db import make_engine, make_session_factory
from engine.storage.unit_of_work import UnitOfWork

from .collection import IdleCollector

log = logging.getLogger(__name__)

JOB_DUE_WORK = "atensi.due-work"
JOB_WATCH = "atensi.watch-next-due"
JOB_RETENTION = "atensi.retention"  # only with ATENSI_RETENTION_AUTOMATIC: anonymise closed cases past retention
RETENTION_EVERY = timedelta(hours=24)
SWEEP = timedelta(seconds=60)  # the due-work job runs at least this often, even if nothing is due
AFTER_ERROR = timedelta(seconds=5)  # the database is down: do not hammer it


@dataclass
class PassReport:
    fired: int = 0
    timer_errors: int = 0
    alerts: int = 0
    deliveries: outbox.DeliveryReport = field(default_factory=outbox.DeliveryReport)

    @property
    def progressed(self) -> bool:
        d = self.deliveries
        return bool(self.fired or self.timer_errors or self.alerts or d.sent or d.retrying or d.failed)


class DueWork:
    """One pass over everything due, and the earliest due time. Plain code: no APScheduler here."""

    def __init__(self, session_factory: sessionmaker, settings: Settings, senders=None):
        self.session_factory = session_factory
        self.settings = settings
        self.senders = notifications.senders(settings) if senders is None else senders

    def run_pass(self, now: datetime | None = None) -> PassReport:
        """Timers first (firing may open or close tasks), then task alerts, then deliveries.

        Each part runs only when its earliest due time has come, so an idle pass is one read and
        never takes SQLite's write lock."""
        report = PassReport()
        now = now or clock.now()
        due = self.due_times()
        if _is_due(due.timers, now):
            for firing in timers.fire_due(self.session_factory, now=now):
                report.fired += firing.fired
                report.timer_errors += firing.error is not None
        if report.fired or _is_due(due.alerts, now):
            report.alerts = len(alerts.raise_due_alerts(self.session_factory, self.settings, now=now))
        if report.alerts or _is_due(due.deliveries, now):
            report.deliveries = outbox.deliver_due(self.session_factory, self.settings, self.senders, now=now)
        if report.progressed:
            d = report.deliveries
            log.info("pass: %s timers fired, %s timer errors, %s alerts, %s deliveries sent, %s retrying, %s failed",
                     report.fired, report.timer_errors, report.alerts, d.sent, d.retrying, d.failed)
        return report

    def run_until_idle(self, max_passes: int = 1000) -> list[PassReport]:
        """Passes until one does nothing: for tests, the CLI's --once, and draining a backlog."""
        reports = []
        for _ in range(max_passes):
            reports.append(self.run_pass())
            if not reports[-1].progressed:
                break
        return reports

    def warm_up(self) -> None:
        """Before the first pass (see timers.warm_up); a failure here only makes the first firings slower."""
        try:
            with UnitOfWork(self.session_factory, write=False) as uow:
                timers.warm_up(uow.session)
        except Exception:  # noqa: BLE001 - the passes report a database that is down
            log.warning("compiling the versions due first failed", exc_info=True)

    def due_times(self) -> timers.DueTimes:
        with UnitOfWork(self.session_factory, write=False) as uow:
            return timers.due_times(uow.session)

    def next_due(self) -> datetime | None:
        return self.due_times().earliest


class TimerScheduler:
    """Wires `DueWork` into an APScheduler scheduler as the two named jobs."""

    def __init__(self, work: DueWork, scheduler: BackgroundScheduler | None = None,
                 collector: IdleCollector | None = None):
        self.work = work
        self.collector = collector or IdleCollector()
        self.poll = timedelta(seconds=work.settings.scheduler_poll_seconds)
        self.scheduler = scheduler or new_apscheduler()
        self._lock = threading.Lock()  # guards _running and _stopping, and every call into APScheduler
        self._running = False
        self._stopping = False

    def start(self) -> TimerScheduler:
        job_options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None, "replace_existing": True}
        self.scheduler.add_job(self._due_work, IntervalTrigger(seconds=SWEEP.total_seconds()), id=JOB_DUE_WORK,
                               name="fire due timers, alerts and deliveries", next_run_time=_utcnow(),
                               **job_options)
        self.scheduler.add_job(self._watch, IntervalTrigger(seconds=self.poll.total_seconds()), id=JOB_WATCH,
                               name="watch the earliest due time", **job_options)
        if self.work.settings.retention_automatic:
            self.scheduler.add_job(self.anonymise_due, IntervalTrigger(seconds=RETENTION_EVERY.total_seconds()),
                                   id=JOB_RETENTION, name="anonymise closed cases past retention",
                                   next_run_time=_utcnow() + SWEEP, **job_options)
        self.work.warm_up()
        self.collector.start()  # before the first pass: what start-up loaded is frozen, compiled versions too
        if not self.scheduler.running:
            self.scheduler.start()
        return self

    def anonymise_due(self) -> int:
        """The retention job: every closed case past ATENSI_RETENTION_YEARS, each in its own transaction."""
        try:
            settings = self.work.settings
            blobs = store_for(settings.documents_url, settings.s3_endpoint_url)
            done = Retention(self.work.session_factory, settings.retention_years, blobs).apply()
        except Exception:
            log.exception("retention failed; trying again in %s", RETENTION_EVERY)
            return 0
        if done:
            log.info("retention: %s closed cases anonymised", len(done))
        return len(done)

    def shutdown(self, wait: bool = True) -> None:
        # APScheduler 3 holds its job-store lock while it waits for running jobs, so a job that
        # touched the scheduler during shutdown would deadlock: stop our jobs touching it first.
        with self._lock:
            self._stopping = True
        if self.scheduler.running:
            self.scheduler.pause()
            self.scheduler.shutdown(wait=wait)

    def next_run_time(self) -> datetime | None:
        job = self.scheduler.get_job(JOB_DUE_WORK)
        return job.next_run_time if job is not None else None

    def _due_work(self) -> None:
        with self._lock:
            self._running = True
        wake = _utcnow() + AFTER_ERROR
        try:
            report = self.work.run_pass()
            wake = self._wake_after(report)
            if self.collector.after_pass(report.progressed, wake):
                due = self.work.next_due()  # work may have come due while collecting
                wake = None if due is None else max(due, _utcnow())
        except Exception:
            log.exception("scheduler pass failed; trying again in %s", AFTER_ERROR)
        finally:
            with self._lock:
                self._running = False
                self._arm(wake)

    def _wake_after(self, report: PassReport) -> datetime | None:
        due = self.work.next_due()
        now = _utcnow()
        if due is None or due > now:
            return due
        # Still due: go on at once if the pass got somewhere; if not, the due rows are locked by
        # another worker or an API request, so look again after the poll interval.
        return now if report.progressed else now + self.poll

    def _watch(self) -> None:
        due = self.work.next_due()
        with self._lock:
            if due is not None and not self._running:
                self._arm(max(due, _utcnow()))

    def _arm(self, when: datetime | None) -> None:
        """Move the due-work job earlier (never later: its interval is the safety sweep). Hold _lock."""
        if self._stopping:
            return
        current = self.next_run_time()
        if when is not None and current is not None and when < current:
            self.scheduler.modify_job(JOB_DUE_WORK, next_run_time=when)


def new_apscheduler() -> BackgroundScheduler:
    # Two threads: the watch job must run while a long pass is under way.
    return BackgroundScheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(2)})


def quiet_apscheduler_logs() -> None:
    """APScheduler logs every run of a job at INFO; the watch job runs twice a second."""
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)


def _is_due(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now


def _utcnow() -> datetime:
    return clock.now()


def build(settings: Settings, session_factory: sessionmaker | None = None) -> TimerScheduler:
    ZoneInfo(settings.timezone)  # a misspelt ATENSI_TIMEZONE fails at start, not at the first alert
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    return TimerScheduler(DueWork(session_factory, settings))


def run_forever(settings: Settings | None = None, once: bool = False) -> None:
    """`atensi worker`: run the scheduler in this process until SIGTERM or Ctrl-C."""
    settings = settings or Settings.from_env()
    quiet_apscheduler_logs()
    scheduler = build(settings)
    sandbox_pool.start(settings)
    if once:
        scheduler.work.run_until_idle()
        return
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.start()
    log.info("scheduler running against %s", _safe_url(settings.database_url))
    try:
        while not stop.wait(1.0):
            pass
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _safe_url(url: str) -> str:
    head, sep, tail = url.partition("@")
    return f"{head.split('//')[0]}//***@{tail}" if sep else url
