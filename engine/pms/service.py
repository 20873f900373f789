"""Reading a PM record with their cases, and a supervisor's merge of two records of one person.

Whoever works in a unit holding one of the PM's cases may read the record; of the PM's cases in
other units they see only number, unit, process, stage and status. Every read is access-logged;
a merge writes a history event on every case it moves (and so a change row in the access log)."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine.cases import history
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.people.access import Actor, require_role
from engine.pms import duplicates, records
from engine.privacy import access_log
from engine.storage.models import Case, Pm
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import SUPERVISOR

PROFILE = ("id", "name", "nik", "birth_date", "sex", "address", "family_contact", "guardian", "created_by",
           "created_at")


FILLED = ("nik", "birth_date", "sex", "address", "family_contact")  # a merge fills these when the kept lacks them


class PmRecords:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def profile(self, actor: Actor, pm_id: int) -> dict:
        """The PM's record (the one it was merged into, if so) and every case of theirs."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            record = _existing(uow.session, pm_id)
            cases = duplicates.cases_of(uow.session, record.id, actor)
            _require_sees_one(actor, cases)
            pm_key = record.id
            result = {**{key: getattr(record, key) for key in PROFILE},
                      "cases": [asdict(case) for case in cases]}
        seen = next(c for c in cases if c.visible)
        access_log.note(self.session_factory, actor, "read", "pm", pm_key, seen.case_id, seen.unit_id)
        return result

    def merge_preview(self, actor: Actor, pm_id: int, into_id: int) -> dict:
        """What merging PM ``pm_id`` into ``into_id`` would do: both records, the cases that move,
        and what the kept record would take from the other (what it lacks). Changes nothing."""
        require_role(actor, SUPERVISOR)
        gone, kept = self.profile(actor, pm_id), self.profile(actor, into_id)
        if gone["id"] == kept["id"]:
            raise InvalidInput("a PM cannot be merged into itself", {"into": ["another PM's id"]})
        gains = {key: gone[key] for key in (*FILLED, "guardian") if not kept[key] and gone[key]}
        return {"gone": gone, "kept": kept, "moving": gone["cases"], "gains": gains}

    def merge(self, actor: Actor, pm_id: int, into_id: int, reason: str) -> dict:
        """Move every case of PM ``pm_id`` to PM ``into_id``; the first record stays, pointing on."""
        require_role(actor, SUPERVISOR)
        if not str(reason or "").strip():
            raise InvalidInput("say why the records are one person", {"reason": ["required"]})
        if pm_id == into_id:
            raise InvalidInput("a PM cannot be merged into itself", {"into": ["another PM's id"]})
        with UnitOfWork(self.session_factory) as uow:
            session = uow.session
            gone, kept = (_locked(session, pm_id, "pm_id"), _locked(session, into_id, "into"))
            for record in (gone, kept):
                _require_sees_one(actor, duplicates.cases_of(session, record.id, actor))
            moved = [uow.lock_case(case_id) for case_id in
                     session.scalars(select(Case.id).where(Case.pm_id == gone.id).order_by(Case.id)).all()]
            _fill_from(kept, gone)
            gone.merged_into_id = kept.id
            for case in moved:
                records.show_on_case(case, kept)
                history.record(session, case.id, actor.username, "pm_merged",
                               f"PM record {gone.id} merged into {kept.id}: {reason.strip()}",
                               data={"from_pm": gone.id, "into_pm": kept.id, "reason": reason.strip()})
            access_log.write(session, [access_log.entry(actor.username, "change", "pm", kept.id, case.id,
                                                        case.unit_id, f"merged PM {gone.id} into {kept.id}")
                                       for case in moved])
            uow.commit()
            return {"pm_id": kept.id, "merged_pm_id": gone.id, "moved_case_ids": [case.id for case in moved]}


def _existing(session, pm_id: int) -> Pm:
    if session.get(Pm, pm_id) is None:
        raise NotFound(f"PM {pm_id} not found")
    return records.current(session, pm_id)


def _locked(session, pm_id: int, field: str) -> Pm:
    record = session.scalars(select(Pm).where(Pm.id == pm_id).with_for_update()).first()
    if record is None:
        raise NotFound(f"PM {pm_id} not found")
    if record.merged_into_id is not None:
        raise Conflict(f"PM {pm_id} was merged into PM {record.merged_into_id} already")
    if record.anonymised_at is not None:
        raise Conflict(f"PM {pm_id}'s personal data was anonymised ({field})")
    return record


def _require_sees_one(actor: Actor, cases) -> None:
    """Only a unit that holds one of the PM's cases reads or merges the record."""
    if not actor.is_system and not any(case.visible for case in cases):
        raise Forbidden("no case of this PM belongs to your unit")


def _fill_from(kept: Pm, gone: Pm) -> None:
    """What the kept record lacks, the merged one gives (a NIK learned later, a guardian)."""
    for key in FILLED:
        if not getattr(kept, key) and getattr(gone, key):
            setattr(kept, key, getattr(gone, key))
    if not kept.guardian and gone.guardian:
        kept.guardian = dict(gone.guardian)
