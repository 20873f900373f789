"""Need to know: sensitive form fields (drug history, legal, psychiatric) and NIKs in lists.

A form marks a field sensitive with ``"x-sensitive": true`` in its JSON Schema (bpmn/forms/).
Only the case's own workers (who registered it, hold or completed one of its tasks) and the
supervisors of its unit see such values; everyone else sees them masked, in the case history
and in task data. Lists show a NIK masked except its last four digits.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import String, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.people.access import Actor
from engine.privacy.consent import SUSPENDED
from engine.storage.models import Case, HistoryEvent, HumanTask
from engine.vocabulary import EDITORS, SUPERVISOR

MASK = "••••••"
NIK_SHOWN = 4
KEYWORD = "x-sensitive"


def sensitive_fields(forms: dict) -> frozenset[str]:
    """The names of the fields any of the forms marks sensitive (at any depth)."""
    names: set[str] = set()
    for schema in forms.values():
        _collect(schema, names)
    return frozenset(names)


def case_sensitive_fields(session: Session, case_id: int, version_id: int) -> frozenset[str]:
    """The fields marked sensitive in any version the case has run on (its current one and every
    one a migration moved it from), so that a field stays masked after the case moves to a version
    whose forms no longer mark it (or no longer have it)."""
    from engine.cases.migration import MIGRATED, UNDONE  # late: migration imports the runtime, which imports this
    from engine.definitions import versions

    moves = session.scalars(select(HistoryEvent.data).where(HistoryEvent.case_id == case_id,
                                                            HistoryEvent.kind.in_((MIGRATED, UNDONE))))
    ids = {version_id, *(data.get("from_version_id") for data in moves if isinstance(data, dict))} - {None}
    names: set[str] = set()
    for vid in sorted(ids):
        names |= sensitive_fields(versions.compiled(session, vid).forms)
    return frozenset(names)


def _collect(schema, names: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            if prop.get(KEYWORD) is True:
                names.add(name)
            _collect(prop, names)
            _collect(prop.get("items"), names)


def masked(data, names: frozenset[str]):
    """A copy of the data with the values of the named fields masked."""
    if isinstance(data, dict):
        return {key: MASK if key in names and value not in (None, "") else masked(value, names)
                for key, value in data.items()}
    if isinstance(data, list):
        return [masked(item, names) for item in data]
    return data


def may_see_sensitive(session: Session, actor: Actor, case_id: int, unit_id: int) -> bool:
    if actor.is_system or (actor.has(SUPERVISOR) and actor.unit_id == unit_id):
        return True
    worked = select(HumanTask.id).where(HumanTask.case_id == case_id, or_(
        HumanTask.completed_by == actor.username, HumanTask.assignee == actor.username)).limit(1)
    created = select(Case.id).where(Case.id == case_id, Case.created_by == actor.username)
    return session.scalar(worked) is not None or session.scalar(created) is not None


def require_can_read(actor: Actor, status: str) -> None:
    """A suspended case is read only by those who can close it or answer for it."""
    if status == SUSPENDED and not actor.is_system and not actor.has(*EDITORS):
        raise Forbidden("this case is suspended: the PM's consent was withdrawn")


def mask_nik(nik: str | None) -> str | None:
    if not nik:
        return nik
    return "*" * max(0, len(nik) - NIK_SHOWN) + nik[-NIK_SHOWN:]


def masked_nik_column(column):
    """The same masking in SQL, for listings (NULL stays NULL)."""
    stars = literal("*" * (16 - NIK_SHOWN), String)
    return (stars + func.substr(column, func.length(column) - (NIK_SHOWN - 1))).label(column.key)


def refuse_masked(data: dict, sensitive: Callable[[], frozenset[str]]) -> None:
    """A masked value sent back (a form shown masked, then submitted) must not overwrite the real one.
    ``sensitive`` gives the case's sensitive fields (case_sensitive_fields: of every version it ran on),
    asked for only when a masked value is there."""
    if MASK not in data.values():
        return  # the usual case, decided without reading the forms
    names = sensitive()
    sent_back = sorted(key for key, value in data.items() if key in names and value == MASK)
    if sent_back:
        raise InvalidInput("masked values cannot be saved", {key: ["claim the task to see and edit this value"]
                                                              for key in sent_back})
