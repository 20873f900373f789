"""Who may read and add to a case's file, and the logged read of its rows (notes, documents)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import Conflict, Forbidden, NotFound
from engine.people.access import Actor, require_role, require_unit
from engine.privacy import access_log
from engine.privacy.consent import require_processing_allowed
from engine.privacy.need_to_know import require_can_read
from engine.storage.models import Case
from engine.vocabulary import LANE_ROLES

WRITERS = LANE_ROLES  # the case's workers and the unit's supervisors


def writable(case, actor: Actor) -> bool:
    """Whether the caller may add notes and documents to the case now (for the pages' forms)."""
    try:
        require_writable(case, actor)
    except (Conflict, Forbidden):
        return False
    return True


def require_writable(case: Case, actor: Actor) -> None:
    """Who may add to a case's file, and when: not once its data is anonymised, nor while the PM's
    consent is withdrawn (processing has stopped)."""
    require_unit(actor, case.unit_id)
    require_role(actor, *WRITERS)
    if case.anonymised_at is not None:
        raise Conflict(f"case {case.id} is anonymised")
    require_processing_allowed(case)


def visible_case(session: Session, actor: Actor, case_id: int):
    """The case, if the caller may read it (its unit; a suspended case only for supervisors and admins)."""
    row = session.execute(select(Case.id, Case.unit_id, Case.status, Case.anonymised_at)
                          .where(Case.id == case_id)).first()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    require_unit(actor, row.unit_id)
    require_can_read(actor, row.status)
    return row


def read_rows(session_factory: sessionmaker, actor: Actor, case_id: int, what: str, *models) -> tuple:
    """The case (as visible_case gives it) and, per model, its rows oldest first, read together as one
    row of the access log named ``what``: ``(case, rows_of_model1, rows_of_model2, …)``."""
    with session_factory() as session:
        case = visible_case(session, actor, case_id)
        rows = [list(session.scalars(select(m).where(m.case_id == case_id).order_by(m.id))) for m in models]
        session.expunge_all()
    access_log.note(session_factory, actor, "read", what, case_id, case_id, case.unit_id)
    return (case, *rows)
