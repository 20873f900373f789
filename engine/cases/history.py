"""The append-only case history: who did what, when, with which data.

An operation records several events (a task completed, the next one created, the stage changed);
they are written together, in one executemany, before the session's next query and at commit,
rather than as one INSERT … RETURNING each. A rollback drops them with everything else.
"""
from __future__ import annotations

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from engine import clock
from engine.privacy import access_log
from engine.storage.models import HistoryEvent

_PENDING = "history.pending"


def record(session: Session, case_id: int, actor: str, kind: str, message: str = "",
           element_id: str | None = None, task_id: str | None = None, data: dict | None = None) -> None:
    session.info.setdefault(_PENDING, []).append(
        {"case_id": case_id, "at": clock.now(), "actor": actor, "kind": kind, "message": message,
         "element_id": element_id, "task_id": task_id, "data": data or {}})


def for_case(session: Session, case_id: int) -> list[HistoryEvent]:
    return list(session.scalars(
        select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.id)
    ))


def write_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.flush()  # the cases the events belong to
        session.connection().execute(insert(HistoryEvent.__table__), rows)  # one executemany
        access_log.changes_from_history(session, rows)  # the record of processing (UU PDP)


@event.listens_for(Session, "do_orm_execute")
def _before_query(orm_execute_state) -> None:
    if orm_execute_state.is_select and _PENDING in orm_execute_state.session.info:
        write_pending(orm_execute_state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(_PENDING, None)
