"""The case list and its search (by case number, NIK or name), and the open work beside each case."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from engine import clock
from engine.cases.numbers import case_id_of
from engine.people.access import Actor, require_unit
from engine.privacy import need_to_know
from engine.read.reading import COUNT_CAP, Page, Paging, Reader
from engine.storage.models import (
    Case,
    HumanTask,
)
from engine.vocabulary import (
    TASK_OPEN,
)

# the state is large; the folded name is only searched
CASE_LISTED = tuple(column for column in Case.__table__.c if column.key not in ("state", "pm_name_folded"))
# Lists show a NIK masked except its last four digits (need to know); a case's own page shows it whole.
CASES_LISTED = tuple(need_to_know.masked_nik_column(c) if c.key == "pm_nik" else c for c in CASE_LISTED)


@dataclass(frozen=True)
class CaseFilter:
    stage: str | None = None
    status: str | None = None
    risk: str | None = None
    unit_id: int | None = None
    process: str | None = None
    overdue: bool | None = None
    text: str | None = None
    paging: Paging = field(default_factory=Paging)


class CaseSearchQueries(Reader):
    def cases(self, actor: Actor, wanted: CaseFilter) -> Page:
        conditions = _case_conditions(actor, wanted)
        capped = _name_search(wanted.text)
        matching = select(Case.id).where(*conditions)
        # The page's ids first (for a name, from the (unit_id, id) or (id) index alone, which carry the
        # folded name), then only its rows: a common name passes a thousand rows to find fifty.
        page_ids = matching.order_by(Case.id.desc()).offset(wanted.paging.offset).limit(wanted.paging.per_page)
        with self._read() as uow:
            total = uow.session.scalar(select(func.count()).select_from(
                (matching.limit(COUNT_CAP + 1) if capped else matching).subquery())) or 0
            exact = not capped or total <= COUNT_CAP
            rows = []  # rows read like the case (case.pm_name), without its large workflow state
            if total > wanted.paging.offset or not exact:
                rows = uow.session.execute(select(*CASES_LISTED).where(Case.id.in_(page_ids.scalar_subquery()))
                                           .order_by(Case.id.desc())).all()
            return Page(list(rows), total if exact else COUNT_CAP, wanted.paging.page, wanted.paging.per_page,
                        total_exact=exact)

    def open_work(self, actor: Actor, case_ids: list[int]) -> dict[int, dict]:
        """Per case of the actor's unit: who holds its open tasks and how many are overdue (a case
        list's columns, read for one page of cases at once)."""
        work = {case_id: {"assignees": [], "overdue": 0, "open": 0} for case_id in case_ids}
        if not case_ids:
            return work
        with self._read() as uow:
            rows = uow.session.execute(select(HumanTask.case_id, HumanTask.assignee, HumanTask.due_at).where(
                HumanTask.case_id.in_(case_ids), HumanTask.unit_id == actor.unit_id, HumanTask.status == TASK_OPEN))
            for case_id, assignee, due_at in rows:
                entry = work[case_id]
                entry["open"] += 1
                entry["overdue"] += clock.is_overdue(TASK_OPEN, due_at)
                if assignee and assignee not in entry["assignees"]:
                    entry["assignees"].append(assignee)
        return work


def _case_conditions(actor: Actor, wanted: CaseFilter) -> list:
    if wanted.unit_id is not None:
        require_unit(actor, wanted.unit_id)
    conditions = [Case.unit_id == actor.unit_id] if not actor.is_system else []
    optional = {Case.stage: wanted.stage, Case.status: wanted.status, Case.risk_level: wanted.risk,
                Case.unit_id: wanted.unit_id, Case.process_key: wanted.process}
    conditions += [column == value for column, value in optional.items() if value is not None]
    if wanted.overdue is not None:
        late = exists().where(HumanTask.case_id == Case.id, clock.overdue_condition(HumanTask.status, HumanTask.due_at))
        conditions.append(late if wanted.overdue else ~late)
    if wanted.text and wanted.text.strip():
        text = wanted.text.strip()
        by_number = case_id_of(text)
        if by_number is not None:  # a case number, K-000123
            conditions.append(Case.id == by_number)
        elif not _name_search(text):  # a NIK or its first digits (ix_cases_pm_nik); names have no digits
            conditions.append(Case.pm_nik.startswith(text, autoescape=True))
        else:  # a name anywhere in pm_name, any case: pm_name ILIKE, without lower-casing each row (migration 0013)
            one_unit = not actor.is_system or wanted.unit_id is not None
            conditions.append(_name_contains(text, one_unit))
    return conditions


def _name_contains(text: str, one_unit: bool):
    """The folded name contains the lower-cased text. Within one unit, and for a text shorter than a
    trigram, as a position (no index can look that up), so that the names are read from the
    (unit_id, id) or (id) index that carries them, newest first: a unit's tens of thousands of names
    take a few milliseconds, while the trigrams of a name of common syllables take 20 ms and the
    planner cannot tell the two apart; a text shorter than a trigram would have the trigram index
    hand every row to be checked (seconds at a million). Across the country, a LIKE the trigrams serve."""
    if one_unit or len(text) < 3:
        return _Position(Case.pm_name_folded, func.lower(text)) > 0
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return Case.pm_name_folded.like(func.lower(pattern), escape="\\")


class _Position(FunctionElement):
    """Where a text first occurs in another, from 1; 0 when it does not."""

    type = Integer()
    inherit_cache = True


@compiles(_Position)
def _instr(element, compiler, **kw):  # SQLite
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_Position, "postgresql")
def _strpos(element, compiler, **kw):
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _name_search(text: str | None) -> bool:
    """A search by a name, not by a case number (K-000123) or a NIK."""
    text = (text or "").strip()
    return bool(text) and case_id_of(text) is None and not text.isdigit()
