"""Handovers between units: a **transfer** moves a case to another unit; a **referral** asks another
unit (or an outside institution, by name) for a service while the case stays where it is.

A transfer is proposed by a pekerja sosial (or supervisor) of the case's unit with a reason and the
PM's consent; a supervisor of the receiving unit accepts or rejects it with a note. On acceptance the
case, its open and suspended tasks (assignees cleared: they work elsewhere) and its unacknowledged
alerts belong to the receiving unit; later timers, tasks, reminders and escalations follow the case's
unit. The case keeps running on its process version, even one the sending unit deployed for itself
(a supervisor of the receiving unit can migrate it later). The sending unit keeps reading the case's
history up to the moment of the transfer, and nothing after (``former_unit_cutoff``).

A referral shows the receiving unit the minimum it needs (PM name, service, reason, the sending unit),
never the case record. It is answered accepted, done or refused (accepted may later become done);
the answer lands in the case's history. A referral to an outside institution is answered by the
case's own unit on the institution's behalf.

A pending handover has a due time (``ATENSI_HANDOVER_DUE_HOURS``, product default 72 h) and its
``next_alert_at`` brings it to the scheduler's overdue alerts (engine.alerts.overdue), like a task.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.alerts import overdue
from engine.cases import history
from engine.config import Settings
from engine.errors import Conflict, InvalidInput, NotFound
from engine.people.access import (
    Actor,
    can_answer,
    can_see_handover,
    require_can_answer,
    require_can_hand_over,
    require_unit,
)
from engine.storage.models import Alert, Case, CaseHandover, HumanTask, Unit
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import (
    CASE_COMPLETED,
    HANDOVER_ACCEPTED,
    HANDOVER_DONE,
    HANDOVER_PENDING,
    HANDOVER_REFUSED,
    HANDOVER_REJECTED,
    PEKERJA_SOSIAL,
    REFERRAL,
    REFERRAL_ANSWERS,
    REFERRAL_SERVICES,
    TASK_OPEN,
    TASK_SUSPENDED,
    TRANSFER,
    TRANSFER_ANSWERS,
)

MAX_TEXT = 2000
NOTE_NEEDED = (HANDOVER_REJECTED, HANDOVER_REFUSED)  # saying no needs a reason the sender can act on


def _text(problems: dict, name: str, value, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        problems[name] = ["must be text"]
    elif not value and required:
        problems[name] = [f"required, 1 to {limit} characters"]
    elif len(value) > limit:
        problems[name] = [f"at most {limit} characters"]
    return value or None


def _raise(problems: dict) -> None:
    if problems:
        raise InvalidInput("; ".join(f"{k}: {v[0]}" for k, v in problems.items()), problems)


class Handovers:
    def __init__(self, session_factory: sessionmaker, settings: Settings):
        self.session_factory = session_factory
        self.due_after = timedelta(hours=settings.handover_due_hours)

    # --- asking --------------------------------------------------------------------------------

    def propose_transfer(self, case_id: int, to_unit_id, reason, consent_given_by, consent_given_on,
                         actor: Actor) -> dict:
        problems: dict[str, list[str]] = {}
        reason = _text(problems, "reason", reason)
        consent_given_by = _text(problems, "consent_given_by", consent_given_by, limit=200)
        try:
            if date.fromisoformat(consent_given_on) > clock.now().date():
                problems["consent_given_on"] = ["must not be in the future"]
        except (TypeError, ValueError):
            problems["consent_given_on"] = ["an ISO date, e.g. 2026-01-05"]
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_can_hand_over(actor, case.unit_id)
            _check_unit(uow.session, problems, to_unit_id, case.unit_id)
            _raise(problems)
            if case.status == CASE_COMPLETED:
                raise Conflict(f"case {case_id} is closed")
            pending = uow.session.scalar(select(CaseHandover.id).where(
                CaseHandover.case_id == case_id, CaseHandover.kind == TRANSFER,
                CaseHandover.status == HANDOVER_PENDING))
            if pending is not None:
                raise Conflict(f"case {case_id} already has a pending transfer (#{pending})")
            row = self._new(uow.session, TRANSFER, case, actor, reason=reason, to_unit_id=to_unit_id,
                            consent_given_by=consent_given_by, consent_given_on=consent_given_on)
            to_name = uow.session.get(Unit, to_unit_id).name
            history.record(uow.session, case.id, actor.username, "transfer_proposed", f"ke {to_name}: {reason}",
                           data={"handover_id": row.id, "to_unit_id": to_unit_id,
                                 "consent_given_by": consent_given_by, "consent_given_on": consent_given_on})
            uow.commit()
            return _view(row, case.pm_name, {})

    def refer(self, case_id: int, service, reason, actor: Actor, to_unit_id=None, to_institution=None) -> dict:
        problems: dict[str, list[str]] = {}
        reason = _text(problems, "reason", reason)
        if service not in REFERRAL_SERVICES:
            problems["service"] = [f"one of {', '.join(REFERRAL_SERVICES)}"]
        to_institution = _text(problems, "to_institution", to_institution, required=False, limit=200)
        if (to_unit_id is None) == (to_institution is None):
            problems.setdefault("to_unit_id", ["give either a unit or an outside institution's name"])
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_can_hand_over(actor, case.unit_id)
            if to_unit_id is not None:
                _check_unit(uow.session, problems, to_unit_id, case.unit_id)
            _raise(problems)
            if case.status == CASE_COMPLETED:
                raise Conflict(f"case {case_id} is closed")
            row = self._new(uow.session, REFERRAL, case, actor, reason=reason, service=service,
                            to_unit_id=to_unit_id, to_institution=to_institution)
            to_name = to_institution or uow.session.get(Unit, to_unit_id).name
            history.record(uow.session, case.id, actor.username, "referral_sent", f"{service} ke {to_name}: {reason}",
                           data={"handover_id": row.id, "service": service, "to_unit_id": to_unit_id,
                                 "to_institution": to_institution})
            uow.commit()
            return _view(row, case.pm_name, {})

    def _new(self, session: Session, kind: str, case: Case, actor: Actor, **values) -> CaseHandover:
        now = clock.now()
        due = now + self.due_after
        inside = values.get("to_unit_id") is not None
        row = CaseHandover(kind=kind, case_id=case.id, from_unit_id=case.unit_id, status=HANDOVER_PENDING,
                           requested_by=actor.username, requested_at=now, due_at=due,
                           next_alert_at=due if inside else None, **values)
        session.add(row)
        session.flush()
        return row

    # --- answering -----------------------------------------------------------------------------

    def answer(self, handover_id: int, answer, note, actor: Actor) -> dict:
        """The receiving unit's answer. A transfer: accepted | rejected; a referral: accepted | done | refused."""
        with UnitOfWork(self.session_factory) as uow:
            case_id = uow.session.scalar(select(CaseHandover.case_id).where(CaseHandover.id == handover_id))
            if case_id is None:
                raise NotFound(f"handover {handover_id} not found")
            case = uow.lock_case(case_id)  # the case's lock first, as every operation on it
            row = uow.session.get(CaseHandover, handover_id, populate_existing=True)
            require_can_answer(actor, _answerable(row, case))
            problems: dict[str, list[str]] = {}
            allowed = TRANSFER_ANSWERS if row.kind == TRANSFER else REFERRAL_ANSWERS
            if row.status == HANDOVER_ACCEPTED:
                allowed = (HANDOVER_DONE,)
            if answer not in allowed:
                problems["answer"] = [f"one of {', '.join(allowed)}"]
            note = _text(problems, "note", note, required=answer in NOTE_NEEDED)
            _raise(problems)
            if row.kind == TRANSFER and answer == HANDOVER_ACCEPTED and case.status == CASE_COMPLETED:
                raise Conflict(f"case {case.id} was closed while the transfer waited")
            now = clock.now()
            row.status, row.answered_by, row.answered_at, row.answer_note = answer, actor.username, now, note
            row.next_alert_at = None
            its_alerts = Alert.dedup_key.startswith(overdue.handover_key(row.id) + ":") & Alert.acked_at.is_(None)
            uow.session.execute(update(Alert).where(its_alerts).values(acked_at=now, acked_by=actor.username))
            to_name = row.to_institution or uow.session.get(Unit, row.to_unit_id).name
            data = {"handover_id": row.id, "answer": answer, "note": note}
            if row.kind == TRANSFER:
                if answer == HANDOVER_ACCEPTED:
                    _move(uow.session, case, row.to_unit_id)
                history.record(uow.session, case.id, actor.username, f"transfer_{answer}",
                               f"{to_name}" + (f": {note}" if note else ""),
                               data={**data, "from_unit_id": row.from_unit_id, "to_unit_id": row.to_unit_id})
            else:
                history.record(uow.session, case.id, actor.username, "referral_answered",
                               f"{row.service} · {to_name}: {answer}" + (f" — {note}" if note else ""),
                               data={**data, "service": row.service})
            uow.commit()
            return _view(row, case.pm_name, {})

    # --- reading -------------------------------------------------------------------------------

    def incoming(self, actor: Actor, open_only: bool = True) -> list[dict]:
        """The handovers addressed to the actor's unit, the minimum each needs: PM name, service, reason."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            query = (select(CaseHandover, Case.pm_name).join(Case, Case.id == CaseHandover.case_id)
                     .where(CaseHandover.to_unit_id == actor.unit_id))
            if open_only:
                query = query.where(or_(CaseHandover.status == HANDOVER_PENDING,
                                        (CaseHandover.kind == REFERRAL) & (CaseHandover.status == HANDOVER_ACCEPTED)))
            rows = uow.session.execute(query.order_by(CaseHandover.due_at, CaseHandover.id)).all()
            names = _unit_names(uow.session)
            return [_view(row, pm_name, names) for row, pm_name in rows]

    def for_case(self, case_id: int, actor: Actor) -> list[dict]:
        """Every handover of a case, for the people of the case's unit."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            case = uow.session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case {case_id} not found")
            require_unit(actor, case.unit_id)
            rows = uow.session.scalars(select(CaseHandover).where(CaseHandover.case_id == case_id)
                                       .order_by(CaseHandover.id)).all()
            names = _unit_names(uow.session)
            return [_view(row, case.pm_name, names) for row in rows]

    def receiving_units(self, actor: Actor) -> list[dict]:
        """The units a case of the actor's unit can be transferred or referred to (names only)."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            rows = uow.session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.id != actor.unit_id)
                                       .order_by(Unit.name)).all()
            return [dict(row._mapping) for row in rows]

    def get(self, handover_id: int, actor: Actor) -> dict:
        with UnitOfWork(self.session_factory, write=False) as uow:
            found = uow.session.execute(select(CaseHandover, Case.pm_name, Case.unit_id)
                                        .join(Case, Case.id == CaseHandover.case_id)
                                        .where(CaseHandover.id == handover_id)).first()
            if found is None:
                raise NotFound(f"handover {handover_id} not found")
            row, pm_name, case_unit = found
            if not (can_see_handover(actor, row) or actor.unit_id == case_unit):
                raise NotFound(f"handover {handover_id} not found")  # not even its existence
            view = _view(row, pm_name, _unit_names(uow.session))
            view["can_answer"] = can_answer(actor, _answerable(row, uow.session.get(Case, row.case_id)))
            return view


def former_unit_cutoff(session: Session, actor: Actor, case_id: int, case_unit_id: int) -> int | None:
    """The transfer (its id) by which the actor's unit gave the case away, the latest if it did so
    more than once: the unit may still read what happened until then. None: it never held the case."""
    if actor.is_system or actor.unit_id == case_unit_id:
        return None
    return session.scalar(select(CaseHandover.id).where(
        CaseHandover.case_id == case_id, CaseHandover.kind == TRANSFER,
        CaseHandover.status == HANDOVER_ACCEPTED, CaseHandover.from_unit_id == actor.unit_id)
        .order_by(CaseHandover.answered_at.desc()).limit(1))


def until_transfer(events: list, handover_id: int) -> list:
    """The history events (in order) up to and including the acceptance of the given transfer."""
    kept = []
    for event in events:
        kept.append(event)
        if event.kind == f"transfer_{HANDOVER_ACCEPTED}" and (event.data or {}).get("handover_id") == handover_id:
            return kept
    return kept


def _answerable(row: CaseHandover, case: Case) -> dict:
    """The handover as the access rule sees it: an outside institution's answer is recorded by the
    case's own unit."""
    return {"kind": row.kind, "status": row.status, "from_unit_id": row.from_unit_id,
            "to_unit_id": row.to_unit_id if row.to_unit_id is not None else case.unit_id}


def _check_unit(session: Session, problems: dict, to_unit_id, own_unit_id: int) -> None:
    if (not isinstance(to_unit_id, int) or isinstance(to_unit_id, bool) or not 0 < to_unit_id < 2**31
            or session.get(Unit, to_unit_id) is None):
        problems["to_unit_id"] = ["no such unit"]
    elif to_unit_id == own_unit_id:
        problems["to_unit_id"] = ["the case is already in this unit"]


def _move(session: Session, case: Case, to_unit_id: int) -> None:
    """The case, its open and suspended tasks and its unacknowledged alerts now belong to the
    receiving unit. Assignees and alerts addressed to a person go back to the role's queue."""
    case.unit_id = to_unit_id
    tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                    HumanTask.status.in_((TASK_OPEN, TASK_SUSPENDED)))).all()
    roles = {task.id: task.role for task in tasks}
    for task in tasks:
        task.unit_id, task.assignee = to_unit_id, None
    for alert in session.scalars(select(Alert).where(Alert.case_id == case.id, Alert.acked_at.is_(None))):
        alert.unit_id = to_unit_id
        if alert.recipient is not None:
            alert.recipient, alert.recipient_role = None, roles.get(alert.task_id) or PEKERJA_SOSIAL


def _unit_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.name)).all())


def _view(row: CaseHandover, pm_name: str, names: dict[int, str]) -> dict:
    return {
        "id": row.id, "kind": row.kind, "case_id": row.case_id, "pm_name": pm_name,
        "from_unit_id": row.from_unit_id, "from_unit": names.get(row.from_unit_id),
        "to_unit_id": row.to_unit_id, "to_unit": names.get(row.to_unit_id) if row.to_unit_id else None,
        "to_institution": row.to_institution, "service": row.service, "reason": row.reason,
        "consent_given_by": row.consent_given_by, "consent_given_on": row.consent_given_on,
        "status": row.status, "requested_by": row.requested_by, "requested_at": row.requested_at,
        # a pending handover is late the way an open task is
        "due_at": row.due_at, "overdue": row.status == HANDOVER_PENDING and clock.is_overdue(TASK_OPEN, row.due_at),
        "answered_by": row.answered_by, "answered_at": row.answered_at, "answer_note": row.answer_note,
    }
