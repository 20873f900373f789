"""Retention: a closed case's personal data is anonymised after a configurable period.

The product default is five years after the case closed (``ATENSI_RETENTION_YEARS``). What stays is what
statistics need and holds nobody's identity: process, unit, stages, task names, dates and who worked it.
The PM's name, NIK, birth date and profile (the PM record too, with the last of its cases), every value
the forms and scripts gathered (in the history and in the workflow state), consent names, incident texts
and the case's alerts go, and so do the case's documents (their rows, and their blobs once that is
committed); notes keep their author and time but not their text. A dry run lists the cases that would be
anonymised; each anonymisation is in the access log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from engine import clock
from engine.casefile import documents
from engine.casefile.blobs import BlobStore
from engine.people.access import SYSTEM_ACTOR, Actor
from engine.privacy import access_log
from engine.storage.models import Alert, Case, CaseNote, Consent, HistoryEvent, Incident, Pm
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import CASE_COMPLETED

DEFAULT_RETENTION_YEARS = 5  # product default: five years after a case closed
ANONYMISED = "[dianonimkan]"
# history kinds whose message names only process elements, never the PM or what they said
NEUTRAL_MESSAGES = {"task_created", "task_completed", "task_cancelled", "task_claimed", "task_unclaimed",
                    "task_assigned", "stage_changed", "timer_fired", "case_completed", "case_started",
                    "case_migrated", "case_migration_undone"}
SCRUBBED_KEYS = {"data": {}, "internal_data": {}, "payload": {}}


@dataclass(frozen=True)
class Due:
    case_id: int
    unit_id: int
    process_key: str
    completed_at: datetime


def cutoff(now: datetime, years: float) -> datetime:
    """Closed before this, a case is due. Whole years are calendar years; fractions count days."""
    if float(years).is_integer():
        try:
            return now.replace(year=now.year - int(years))
        except ValueError:  # 29 February
            return now.replace(year=now.year - int(years), day=28)
    return now - timedelta(days=365.25 * years)


def due_cases(session, now: datetime, years: float) -> list[Due]:
    rows = session.execute(select(Case.id, Case.unit_id, Case.process_key, Case.completed_at).where(
        Case.status == CASE_COMPLETED, Case.anonymised_at.is_(None), Case.completed_at < cutoff(now, years))
        .order_by(Case.completed_at, Case.id))
    return [Due(*row) for row in rows]


def scrubbed(value):
    """The workflow state with every value gathered in it emptied (its structure kept, so it loads)."""
    if isinstance(value, dict):
        return {key: (SCRUBBED_KEYS[key] if key in SCRUBBED_KEYS and isinstance(item, dict) else scrubbed(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    return value


class Retention:
    def __init__(self, session_factory: sessionmaker, years: float = DEFAULT_RETENTION_YEARS,
                 blobs: BlobStore | None = None):
        self.session_factory, self.years, self.blobs = session_factory, years, blobs

    def dry_run(self, now: datetime | None = None) -> list[Due]:
        with self.session_factory() as session:
            return due_cases(session, now or clock.now(), self.years)

    def apply(self, actor: Actor = SYSTEM_ACTOR, now: datetime | None = None) -> list[Due]:
        """Anonymise every case due, each in its own transaction."""
        done = []
        for due in self.dry_run(now):
            with UnitOfWork(self.session_factory) as uow:
                case = uow.lock_case(due.case_id)
                if case.anonymised_at is None:
                    keys = anonymise(uow.session, case, actor, self.years)
                    if keys and self.blobs is None:  # refused before anything is committed
                        raise RuntimeError("anonymising a case with documents needs the document store")
                    uow.commit()
                    self._delete_blobs(keys)
                    done.append(due)
        return done

    def _delete_blobs(self, keys: list[str]) -> None:
        """After the commit: a blob whose deletion fails is an orphan Documents.orphans() lists."""
        for key in keys:
            self.blobs.delete(key)


def anonymise(session, case: Case, actor: Actor, years: float) -> list[str]:
    """Anonymise the case in the session; the keys of its document blobs, to delete after the commit."""
    case.pm_name, case.pm_nik, case.pm_birth_date, case.profile = ANONYMISED, None, None, {}
    case.state = scrubbed(case.state)
    case.anonymised_at = clock.now()
    session.execute(update(HistoryEvent).where(HistoryEvent.case_id == case.id).values(data={}))
    session.execute(update(HistoryEvent).where(HistoryEvent.case_id == case.id,
                                               HistoryEvent.kind.not_in(NEUTRAL_MESSAGES)).values(message=""))
    session.execute(update(Consent).where(Consent.case_id == case.id)
                    .values(given_by=ANONYMISED, withdrawal_reason=None))
    session.execute(update(Incident).where(Incident.case_id == case.id).values(message="", error_line=None))
    session.execute(delete(Alert).where(Alert.case_id == case.id))
    session.execute(update(CaseNote).where(CaseNote.case_id == case.id).values(text=ANONYMISED))
    keys = documents.remove_rows(session, case.id)
    access_log.write(session, [access_log.entry(actor.username, "anonymise", "case", case.id, case.id,
                                                case.unit_id, f"retention: {years:g} years after closing")])
    _anonymise_pm_after_last_case(session, case)
    return keys


def _anonymise_pm_after_last_case(session, case: Case) -> None:
    """The PM record goes with the last of its cases (while one is kept, the record is needed)."""
    if case.pm_id is None:
        return
    kept = select(Case.id).where(Case.pm_id == case.pm_id, Case.id != case.id, Case.anonymised_at.is_(None))
    if session.scalar(kept.limit(1)) is None:
        session.execute(update(Pm).where(Pm.id == case.pm_id).values(
            name=ANONYMISED, name_key="", nik=None, birth_date=None, address="", family_contact="", guardian={},
            anonymised_at=clock.now()))
