"""The append-only case history: who did what, when, with which data."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .models import HistoryEvent


def record(session: Session, case_id: int, actor: str, kind: str, message: str = "",
           element_id: str | None = None, task_id: str | None = None, data: dict | None = None) -> None:
    session.add(HistoryEvent(case_id=case_id, at=clock.now(), actor=actor, kind=kind, message=message,
                             element_id=element_id, task_id=task_id, data=data or {}))


def for_case(session: Session, case_id: int) -> list[HistoryEvent]:
    return list(session.scalars(
        select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.id)
    ))
