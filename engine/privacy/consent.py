"""Consent to processing, and what withdrawing it does.

Withdrawing stops processing at once: the case is *suspended*, its open tasks leave every inbox
(status ``suspended``, no alerts), its timers stop (``next_timer_at`` is cleared, so the scheduler
never picks it), and no one can work on it. A supervisor may still read it and close it.
Recording consent again (the PM's, and a guardian's for a child) resumes it where it stood.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.cases import history
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.definitions import versions
from engine.errors import Conflict, InvalidInput, NotFound
from engine.people.access import Actor, require_role, require_unit
from engine.storage.models import Case, CaseMessageWait, Consent, HumanTask
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import (
    CASE_ACTIVE,
    CASE_COMPLETED,
    CASE_INCIDENT,
    CASE_SUSPENDED,
    LANE_ROLES,
    STAGES,
    SUPERVISOR,
    TASK_CANCELLED,
    TASK_OPEN,
    TASK_SUSPENDED,
)

PARTIES = ("pm", "wali")
SUSPENDED = CASE_SUSPENDED
CASE_WORKERS = LANE_ROLES  # who works on a case records and withdraws its consent
MAX_TEXT = 2000


def require_processing_allowed(case: Case) -> None:
    """Raised by every operation that would process a case's data further."""
    if case.status == SUSPENDED:
        raise Conflict(f"case {case.id} is suspended: the PM's consent was withdrawn")


def required_parties(case) -> tuple[str, ...]:
    return ("pm", "wali") if case.kategori_usia == "anak" else ("pm",)


def active(consents) -> list:
    return [c for c in consents if c.withdrawn_at is None]


class Consents:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def status(self, case_id: int, actor: Actor) -> dict:
        """The case's status, which consents it needs (a child's guardian too) and every consent."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            row = uow.session.execute(select(Case.id, Case.unit_id, Case.status, Case.kategori_usia)
                                      .where(Case.id == case_id)).first()
            if row is None:
                raise NotFound(f"case {case_id} not found")
            require_unit(actor, row.unit_id)
            consents = _consents(uow.session, case_id)
            uow.session.expunge_all()
        present = {c.party for c in active(consents)}
        return {"case_id": row.id, "status": row.status, "required": list(required_parties(row)),
                "missing": [p for p in required_parties(row) if p not in present], "consents": consents}

    def give(self, case_id: int, party: str, given_by: str, given_on: str, scope: list[str],
             actor: Actor) -> Consent:
        """Record a consent; a suspended case whose required consents are all present again resumes."""
        _check(party, given_by, given_on, scope)
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_unit(actor, case.unit_id)
            require_role(actor, *CASE_WORKERS)
            consent = Consent(case_id=case.id, party=party, given_by=given_by.strip(), scope=list(scope),
                              given_on=given_on, recorded_by=actor.username, recorded_at=clock.now())
            uow.session.add(consent)
            history.record(uow.session, case.id, actor.username, "consent_given", given_by.strip(),
                           data={"party": party, "scope": list(scope), "given_on": given_on})
            uow.session.flush()
            present = {c.party for c in active(_consents(uow.session, case.id))}
            if case.status == SUSPENDED and set(required_parties(case)) <= present:
                _resume(uow.session, case, actor)
            uow.commit()
            return consent

    def withdraw(self, case_id: int, reason: str, actor: Actor) -> int:
        """Withdraw every consent in force and suspend the case. Returns how many were withdrawn."""
        if not reason or not reason.strip() or len(reason) > MAX_TEXT:
            raise InvalidInput("a reason is required", {"reason": [f"1 to {MAX_TEXT} characters"]})
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_unit(actor, case.unit_id)
            require_role(actor, *CASE_WORKERS)
            if case.status == SUSPENDED:
                raise Conflict(f"case {case_id} is already suspended")
            if case.status == CASE_COMPLETED:
                raise Conflict(f"case {case_id} is closed")
            withdrawn = _withdraw_and_suspend(uow.session, case, actor, reason.strip())
            for child in _running_children(uow, case.id):  # the PM's case responses stop with it
                withdrawn += _withdraw_and_suspend(uow.session, child, actor,
                                                   f"consent withdrawn on case #{case.id}: {reason.strip()}")
            uow.commit()
            return withdrawn

    def close_suspended(self, case_id: int, reason: str, actor: Actor) -> None:
        """A supervisor closes a case whose consent was withdrawn: its tasks are cancelled."""
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_unit(actor, case.unit_id)
            require_role(actor, SUPERVISOR)
            if case.status != SUSPENDED:
                raise Conflict(f"case {case_id} is not suspended")
            suspended = (HumanTask.case_id == case.id) & (HumanTask.status == TASK_SUSPENDED)
            uow.session.execute(update(HumanTask).where(suspended).values(status=TASK_CANCELLED, next_alert_at=None))
            uow.session.execute(CaseMessageWait.__table__.delete().where(CaseMessageWait.case_id == case.id))
            case.status, case.completed_at, case.next_timer_at = CASE_COMPLETED, clock.now(), None
            history.record(uow.session, case.id, actor.username, "case_closed_without_consent",
                           (reason or "").strip()[:MAX_TEXT])
            uow.commit()


# The parties whose consent is in force: columns, not rows (this runs on every such completion).
_ACTIVE_PARTIES = select(Consent.party).where(Consent.case_id == bindparam("case_id"), Consent.withdrawn_at.is_(None))
FORM_KEYWORD = "x-consent"  # a form's boolean field that is a party's consent: "x-consent": "pm" | "wali"


def record_from_form(session: Session, case: Case, form: dict | None, data: dict, actor: Actor) -> list[Consent]:
    """When a task whose form has consent fields is completed, each field answered yes becomes that
    party's consent record (given today, by the PM or the PM's guardian, over the stages of the case's
    process: a product default), unless that party's consent is already in force. A 'no' records
    nothing here (the diagram decides what a refusal does)."""
    parties = [prop[FORM_KEYWORD] for name, prop in ((form or {}).get("properties") or {}).items()
               if isinstance(prop, dict) and prop.get(FORM_KEYWORD) in PARTIES and data.get(name) is True]
    if not parties:
        return []
    # On the connection, not the ORM: nothing of this operation touches consents before this point,
    # so the ORM's autoflush and row loading would be work for nothing on every such completion.
    present = set(session.connection().scalars(_ACTIVE_PARTIES, {"case_id": case.id}))
    scope = list(STAGES.get(case.process_key, ())) or [case.process_key]
    recorded = []
    for party in [p for p in dict.fromkeys(parties) if p not in present]:
        given_by = (case.pm_name or "PM") if party == "pm" else f"wali dari {case.pm_name or 'PM'}"
        consent = Consent(case_id=case.id, party=party, given_by=given_by[:200], scope=scope,
                          given_on=clock.now().date().isoformat(), recorded_by=actor.username, recorded_at=clock.now())
        session.add(consent)
        history.record(session, case.id, actor.username, "consent_given", consent.given_by,
                       data={"party": party, "scope": scope, "given_on": consent.given_on})
        recorded.append(consent)
    return recorded


def _check(party: str, given_by: str, given_on: str, scope: list[str]) -> None:
    problems: dict[str, list[str]] = {}
    if party not in PARTIES:
        problems["party"] = [f"one of {', '.join(PARTIES)}"]
    if not given_by or not given_by.strip() or len(given_by) > 200:
        problems["given_by"] = ["the name of whoever consented, 1 to 200 characters"]
    try:
        if date.fromisoformat(given_on) > clock.now().date():
            problems["given_on"] = ["must not be in the future"]
    except (TypeError, ValueError):
        problems["given_on"] = ["an ISO date, e.g. 2026-01-05"]
    if not scope or not all(isinstance(s, str) and 0 < len(s) <= 100 for s in scope) or len(scope) > 20:
        problems["scope"] = ["1 to 20 purposes the consent covers, e.g. asesmen, intervensi"]
    if problems:
        raise InvalidInput("invalid consent", problems)


def _consents(session: Session, case_id: int) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.case_id == case_id).order_by(Consent.id)))


def _withdraw_and_suspend(session: Session, case: Case, actor: Actor, reason: str) -> int:
    withdrawn = active(_consents(session, case.id))
    for consent in withdrawn:
        consent.withdrawn_at, consent.withdrawn_by = clock.now(), actor.username
        consent.withdrawal_reason = reason[:MAX_TEXT]
    _suspend(session, case, actor, reason[:MAX_TEXT])
    return len(withdrawn)


def _running_children(uow: UnitOfWork, case_id: int) -> list[Case]:
    """Every running case below this one (a case response, and any it started), locked parent first."""
    found, parents = [], [case_id]
    while parents:
        ids = uow.session.scalars(select(Case.id).where(
            Case.parent_case_id.in_(parents), Case.status.in_((CASE_ACTIVE, CASE_INCIDENT)))).all()
        found.extend(uow.lock_case(child_id) for child_id in ids)
        parents = list(ids)
    return found


def _suspend(session: Session, case: Case, actor: Actor, reason: str) -> None:
    session.execute(update(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == TASK_OPEN)
                    .values(status=TASK_SUSPENDED, next_alert_at=None))
    case.status, case.next_timer_at, case.updated_at = SUSPENDED, None, clock.now()
    history.record(session, case.id, actor.username, "case_suspended", reason)


def _resume(session: Session, case: Case, actor: Actor) -> None:
    session.execute(update(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == TASK_SUSPENDED)
                    .values(status=TASK_OPEN, next_alert_at=HumanTask.due_at))
    compiled = versions.compiled(session, case.process_version_id)
    case.next_timer_at = case_sync.next_timer_due(workflow_state.load(case.state, compiled.specs))
    case.status, case.updated_at = case_sync.running_status(session, case), clock.now()
    history.record(session, case.id, actor.username, "case_resumed", "")
