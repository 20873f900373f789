"""The record of processing: who read which case, task or export, and who changed what.

Changes are derived from the case history as it is written (engine.cases.history.write_pending): one row
per case and actor, in one executemany beside the history's own, in the same transaction. A read
happens in a read-only unit of work, so it is written in a short transaction of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.errors import InvalidInput
from engine.people.access import Actor, require_role
from engine.storage.models import AccessLogEntry, Case
from engine.vocabulary import ADMIN, EDITORS

TABLE = AccessLogEntry.__table__
MAX_ROWS = 500


def entry(actor: str, action: str, object_type: str, object_id=None, case_id: int | None = None,
          unit_id: int | None = None, detail: str = "") -> dict:
    return {"at": clock.now(), "actor": actor, "action": action, "object_type": object_type,
            "object_id": None if object_id is None else str(object_id), "case_id": case_id,
            "unit_id": unit_id, "detail": detail}


def write(session: Session, rows: list[dict]) -> None:
    if rows:
        session.connection().execute(insert(TABLE), rows)


def changes_from_history(session: Session, history_rows: list[dict]) -> None:
    """One 'change' row per case and actor for a batch of history events."""
    kinds: dict[tuple[int, str], set[str]] = {}
    for row in history_rows:
        kinds.setdefault((row["case_id"], row["actor"]), set()).add(row["kind"])
    write(session, [entry(actor, "change", "case", case_id, case_id, _unit_of(session, case_id),
                          ",".join(sorted(names)))
                    for (case_id, actor), names in kinds.items()])


def _unit_of(session: Session, case_id: int) -> int | None:
    for obj in session.identity_map.values():  # the case being changed is normally loaded already
        if isinstance(obj, Case) and obj.id == case_id:
            return obj.unit_id
    return session.connection().execute(select(Case.unit_id).where(Case.id == case_id)).scalar()


def note(session_factory: sessionmaker, actor: Actor, action: str, object_type: str, object_id=None,
         case_id: int | None = None, unit_id: int | None = None, detail: str = "") -> None:
    """Record a read or an export in a transaction of its own."""
    with session_factory(execution_options={"atensi_write": True}) as session:
        write(session, [entry(actor.username, action, object_type, object_id, case_id,
                              unit_id if unit_id is not None else actor.unit_id, detail)])
        session.commit()


@dataclass(frozen=True)
class LogFilter:
    nik: str | None = None  # the PM, by NIK: every case of theirs
    case_id: int | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200
    offset: int = 0


def query(session: Session, viewer: Actor, wanted: LogFilter) -> list[AccessLogEntry]:
    """Newest first. A supervisor sees the rows of their unit; an admin sees every unit's."""
    require_role(viewer, *EDITORS)
    if not 1 <= wanted.limit <= MAX_ROWS or wanted.offset < 0:
        raise InvalidInput("bad paging", {"limit": [f"1 <= limit <= {MAX_ROWS}, offset >= 0"]})
    conditions = []
    if not viewer.has(ADMIN) and not viewer.is_system:
        conditions.append(AccessLogEntry.unit_id == viewer.unit_id)
    if wanted.nik:
        conditions.append(AccessLogEntry.case_id.in_(select(Case.id).where(Case.pm_nik == wanted.nik)))
    optional = {AccessLogEntry.case_id: wanted.case_id, AccessLogEntry.actor: wanted.actor}
    conditions += [column == value for column, value in optional.items() if value is not None]
    if wanted.since is not None:
        conditions.append(AccessLogEntry.at >= wanted.since)
    if wanted.until is not None:
        conditions.append(AccessLogEntry.at < wanted.until)
    return list(session.scalars(select(AccessLogEntry).where(*conditions)
                                .order_by(AccessLogEntry.id.desc()).offset(wanted.offset).limit(wanted.limit)))


def for_cases(session: Session, case_ids: list[int]) -> list[AccessLogEntry]:
    if not case_ids:
        return []
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id.in_(case_ids))
                                .order_by(AccessLogEntry.id)))


class AccessLog:
    """The record of processing, as supervisors and admins query it."""

    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def record(self, actor: Actor, action: str, object_type: str, object_id=None, case_id: int | None = None,
               unit_id: int | None = None, detail: str = "") -> None:
        note(self.session_factory, actor, action, object_type, object_id, case_id, unit_id, detail)

    def entries(self, viewer: Actor, wanted: LogFilter) -> list[AccessLogEntry]:
        with self.session_factory() as session:
            rows = query(session, viewer, wanted)
            session.expunge_all()
            return rows
