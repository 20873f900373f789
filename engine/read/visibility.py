"""Which case the caller may read, and which of its sensitive fields they may see."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine.cases import handover
from engine.errors import Forbidden, NotFound
from engine.people.access import Actor, require_unit
from engine.privacy import need_to_know
from engine.storage.models import (
    Case,
)


def _visible_case(session: Session, actor: Actor, case_id: int, with_state: bool = False) -> Case:
    """The case, checked against the caller's unit. Its workflow state (large) only when asked for."""
    query = select(Case).where(Case.id == case_id)
    case = session.scalars(query if with_state else query.options(defer(Case.state))).first()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    require_unit(actor, case.unit_id)
    need_to_know.require_can_read(actor, case.status)
    return case


def _visible_case_or_former(session: Session, actor: Actor, case_id: int) -> tuple[Case, int | None]:
    """``_visible_case``, or for the unit that transferred the case away, the case and the moment of
    the transfer (engine.cases.handover)."""
    try:
        return _visible_case(session, actor, case_id), None
    except Forbidden:
        case = session.get(Case, case_id)
        cutoff = handover.former_unit_cutoff(session, actor, case_id, case.unit_id)
        if cutoff is None:
            raise
        return case, cutoff


def _hidden_fields(session: Session, actor: Actor, case_id: int, unit_id: int, version_id: int) -> frozenset:
    """The sensitive fields the caller may not see on this case (none when they need to know)."""
    names = need_to_know.case_sensitive_fields(session, case_id, version_id)
    if not names or need_to_know.may_see_sensitive(session, actor, case_id, unit_id):
        return frozenset()
    return names


def _need_to_know(session: Session, actor: Actor, case_id: int, unit_id: int, version_id: int, data: dict) -> dict:
    names = _hidden_fields(session, actor, case_id, unit_id, version_id)
    return need_to_know.masked(data, names) if names else data
