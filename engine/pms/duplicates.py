"""Is this PM registered already? By NIK in any unit; without a NIK, by normalised name and date
of birth. A match says who and where (case number, unit, stage, status) and nothing of another
unit's case content. Both lookups are index range scans (pms.nik; pms.name_key + birth_date)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, select

from engine.cases.numbers import case_number
from engine.errors import Conflict
from engine.people.access import Actor, can_see_unit
from engine.pms.records import name_key
from engine.storage.models import Case, Pm, Unit

BY_NIK, BY_NAME_AND_BIRTH = "nik", "name_and_birth_date"
MAX_MATCHES = 20  # more than this many records of one person is a data problem, not a list to read


@dataclass(frozen=True)
class CaseSeen:
    """One case of a matching PM, as much as the caller may see of it."""

    case_id: int
    number: str
    unit_id: int
    unit_name: str
    process_key: str
    stage: str | None
    status: str
    visible: bool  # the caller's unit: they may open it


@dataclass(frozen=True)
class Match:
    pm_id: int
    name: str
    birth_date: str | None
    nik_last4: str | None
    matched_by: str
    cases: list[CaseSeen] = field(default_factory=list)


class DuplicatePm(Conflict):
    """The PM seems registered already: open a case of theirs, or confirm a new case."""

    def __init__(self, matches: list[Match]):
        where = ", ".join(f"{c.number} ({c.unit_name})" for m in matches for c in m.cases) or "no case yet"
        super().__init__(f"this PM may be registered already: {where}")
        self.matches = matches


def find(session, pm: dict, actor: Actor) -> list[Match]:
    """The PM records that look like ``pm``: by NIK when it has one, else by name and birth date.
    One statement (the records and their cases): it runs before every registration."""
    nik, born = pm.get("nik"), pm.get("tanggal_lahir")
    born = born.isoformat() if hasattr(born, "isoformat") else born
    if nik:
        condition, by = Pm.nik == nik, BY_NIK
    elif born and name_key(pm.get("nama")):
        condition, by = and_(Pm.name_key == name_key(pm.get("nama")), Pm.birth_date == born), BY_NAME_AND_BIRTH
    else:
        return []
    found = (select(Pm.id, Pm.name, Pm.birth_date, Pm.nik)
             .where(condition, Pm.merged_into_id.is_(None), Pm.anonymised_at.is_(None))
             .order_by(Pm.id).limit(MAX_MATCHES).subquery())
    rows = session.execute(
        select(found, Case.id, Case.unit_id, Unit.name, Case.process_key, Case.stage, Case.status)
        .outerjoin(Case, Case.pm_id == found.c.id).outerjoin(Unit, Unit.id == Case.unit_id)
        .order_by(found.c.id, Case.id.desc())).all()
    matches: dict[int, Match] = {}
    for pm_id, name, birth_date, pm_nik, case_id, unit_id, unit_name, key, stage, status in rows:
        match = matches.setdefault(pm_id, Match(pm_id, name, birth_date, pm_nik[-4:] if pm_nik else None, by))
        if case_id is not None:
            match.cases.append(CaseSeen(case_id, case_number(case_id), unit_id, unit_name, key, stage, status,
                                        can_see_unit(actor, unit_id)))
    return list(matches.values())


def cases_of(session, pm_id: int, actor: Actor) -> list[CaseSeen]:
    """The PM's cases, newest first, each marked whether the caller may open it."""
    rows = session.execute(select(Case.id, Case.unit_id, Unit.name, Case.process_key, Case.stage, Case.status)
                           .join(Unit, Unit.id == Case.unit_id).where(Case.pm_id == pm_id)
                           .order_by(Case.id.desc())).all()
    return [CaseSeen(row[0], case_number(row[0]), row[1], row[2], row[3], row[4], row[5],
                     can_see_unit(actor, row[1])) for row in rows]


def refuse_duplicates(session, pm: dict, actor: Actor) -> None:
    matches = find(session, pm, actor)
    if matches:
        raise DuplicatePm(matches)
