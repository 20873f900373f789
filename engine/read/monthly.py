"""The monthly laporan kegiatan of a unit (seed 003: "laporan kegiatan PM", monev).

Counts are grouped in SQL (one GROUP BY per breakdown, scoped to the unit and the month); only the
grouped rows come back to Python, where age bands and medians are formed from them.
"""
from __future__ import annotations

import json
import statistics
from datetime import UTC, date, datetime

from sqlalchemy import String, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.cases import shown
from engine.cases.runtime import latest_version
from engine.definitions import versions
from engine.errors import InvalidInput, NotFound
from engine.people.access import Actor, require_role
from engine.read.dashboard import viewer_of_unit
from engine.read.reading import detached_read
from engine.storage.models import Case, HistoryEvent, HumanTask, Pm
from engine.vocabulary import EDITORS, INTAKE, KOORDINATOR_WILAYAH, TASK_COMPLETED, TASK_OPEN

# Product default: the age bands of the report (anak under 18 as in the registration).
AGE_BANDS = ((0, 12, "0-12"), (13, 17, "13-17"), (18, 25, "18-25"), (26, 35, "26-35"), (36, 50, "36-50"),
             (51, 200, "51+"))
# Answers of completed tasks counted per month (names of the intake's form fields).
ANSWERS = {"setting": "setting", "component": "komponen_atensi", "termination": "alasan_terminasi"}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2200:
        raise InvalidInput("month must be YYYY-MM", {"month": ["must be YYYY-MM between 2000 and 2200"]})
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def age_band(born: str | None, on: date) -> str | None:
    try:
        birth = date.fromisoformat(born or "")
    except ValueError:
        return None
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next((label for low, high, label in AGE_BANDS if low <= years <= high), None)


class MonthlyReport:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def build(self, actor: Actor, year: int, month: int, unit_id: int | None = None) -> dict:
        """The report of the actor's unit, or (a koordinator wilayah) of a unit of its region."""
        require_role(actor, *EDITORS, KOORDINATOR_WILAYAH)
        if (unit_id or actor.unit_id) is None:
            raise InvalidInput("unit is required", {"unit_id": ["required"]})
        start, end = month_bounds(year, month)
        with detached_read(self.session_factory) as uow:
            s = uow.session
            unit_id = viewer_of_unit(s, actor, unit_id).unit_id
            served = [Case.unit_id == unit_id, Case.created_at < end,
                      or_(Case.completed_at.is_(None), Case.completed_at >= start)]
            new = [Case.unit_id == unit_id, Case.created_at >= start, Case.created_at < end]
            closed = [Case.unit_id == unit_id, Case.completed_at >= start, Case.completed_at < end]
            return {
                "unit_id": unit_id, "month": f"{year:04d}-{month:02d}",
                # people: the PM record, so a re-admission or a case response is not another person
                "pm_served": s.scalar(select(func.count(distinct(Case.pm_id))).where(*served)) or 0,
                "cases_served": _count(s, served),
                "new_cases": _count(s, new),
                "closed_cases": _count(s, closed),
                "by_kategori_usia": _grouped(s, Case.kategori_usia, served),
                "by_sex": _by_sex(s, served),
                "by_referral_source": _grouped(s, _profile(Case.profile, "sumber_rujukan"), served),
                "by_age_band": _age_bands(s, served, (end.date())),
                **{f"by_{name}": _answers(s, unit_id, field, start, end) for name, field in ANSWERS.items()},
                "median_days_to_stage": _median_days_to_stage(s, new),
                "overdue_by_worker": _overdue_rate(s, unit_id, start, end),
            }


def _profile(column, key: str):
    return column[key].as_string()


def _count(s: Session, where: list) -> int:
    return s.scalar(select(func.count()).select_from(Case).where(*where)) or 0


def _grouped(s: Session, column, where: list) -> dict:
    return {value: count for value, count in s.execute(select(column, func.count()).where(*where).group_by(column))}


def _by_sex(s: Session, where: list) -> dict:
    """Sex as the PM record says (a correction there counts; the case profile keeps the registration's copy)."""
    return _grouped_pm(s, Pm.sex, where)


def _grouped_pm(s: Session, column, where: list) -> dict:
    rows = s.execute(select(column, func.count()).select_from(Case).outerjoin(Pm, Pm.id == Case.pm_id)
                     .where(*where).group_by(column))
    return {value: count for value, count in rows}


def _age_bands(s: Session, where: list, on: date) -> dict:
    """Age on the month's last day, from the PM record's date of birth."""
    bands: dict = {}
    for born, count in _grouped_pm(s, Pm.birth_date, where).items():
        band = age_band(born, on)
        bands[band] = bands.get(band, 0) + count
    return bands


def _answers(s: Session, unit_id: int, field: str, start: datetime, end: datetime) -> dict:
    """How often each answer to ``field`` was given in a task completed this month (one per case)."""
    # The JSON path is selected in a subquery and grouped there by name: PostgreSQL does not take two
    # separately bound copies of one path expression for the same GROUP BY expression.
    answers = (select(HistoryEvent.data[field].as_string().label("answer"), HistoryEvent.case_id)
               .join(Case, Case.id == HistoryEvent.case_id)
               .where(Case.unit_id == unit_id, HistoryEvent.kind == "task_completed", HistoryEvent.at >= start,
                      HistoryEvent.at < end).subquery())
    rows = s.execute(select(answers.c.answer, func.count(distinct(answers.c.case_id)))
                     .where(answers.c.answer.isnot(None)).group_by(answers.c.answer))
    counts: dict = {}
    for answer, count in rows:
        for value in _values(answer):  # a list answer (the ATENSI components) counts once per item
            counts[value] = counts.get(value, 0) + count
    return counts


def _values(answer: str) -> list[str]:
    if answer.startswith("["):
        try:
            items = json.loads(answer)
        except ValueError:
            return [answer]
        return [str(item) for item in items] if isinstance(items, list) else [answer]
    return [answer]


def _median_days_to_stage(s: Session, new: list) -> dict:
    """Per stage, the median days from registration to first reaching it, over the month's new cases."""
    # Only the month's new cases' events: grouping every stage change first took seconds at a million cases.
    staged = (select(HistoryEvent.case_id, cast(HistoryEvent.data["stage"].as_string(), String).label("stage"),
                     HistoryEvent.at, Case.created_at).join(Case, Case.id == HistoryEvent.case_id)
              .where(HistoryEvent.kind == "stage_changed", *new).subquery())
    rows = s.execute(select(staged.c.stage, func.min(staged.c.at), staged.c.created_at)
                     .group_by(staged.c.case_id, staged.c.stage, staged.c.created_at))
    days: dict[str, list[float]] = {}
    for stage, at, created in rows:
        if stage:
            seconds = (clock.as_utc(at) - clock.as_utc(created)).total_seconds()
            days.setdefault(stage, []).append(max(seconds, 0) / 86400)
    return {stage: round(statistics.median(values), 1) for stage, values in days.items()}


def _overdue_rate(s: Session, unit_id: int, start: datetime, end: datetime) -> list[dict]:
    """Tasks due this month per worker, and how many were (or are still) late."""
    now = clock.now()
    late = or_(and_(HumanTask.status == TASK_COMPLETED, HumanTask.completed_at > HumanTask.due_at),
               and_(HumanTask.status == TASK_OPEN, HumanTask.due_at < now))
    rows = s.execute(
        select(func.coalesce(HumanTask.completed_by, HumanTask.assignee), func.count(),
               func.sum(case((late, 1), else_=0)))
        .where(HumanTask.unit_id == unit_id, HumanTask.due_at >= start, HumanTask.due_at < end)
        .group_by(func.coalesce(HumanTask.completed_by, HumanTask.assignee)))
    out = [{"worker": worker, "due": due, "overdue": int(overdue or 0),
            "rate": round((overdue or 0) / due, 3) if due else 0.0} for worker, due, overdue in rows]
    return sorted(out, key=lambda r: (-r["rate"], r["worker"] is None, r["worker"] or ""))



def rows(report: dict) -> list[tuple[str, str, object]]:
    """The report as (section, key, value) rows: the shape of the CSV and XLSX exports."""
    summary = ("month", "unit_id", "pm_served", "cases_served", "new_cases", "closed_cases")
    out: list[tuple[str, str, object]] = [("ringkasan", name, report[name]) for name in summary]
    for section, values in report.items():
        if section.startswith("by_") or section == "median_days_to_stage":
            out.extend((section, "" if key is None else str(key), value)
                       for key, value in sorted(values.items(), key=lambda kv: str(kv[0])))
    for load in report["overdue_by_worker"]:
        worker = load["worker"] or ""
        out.extend((f"overdue_{name}", worker, load[name]) for name in ("due", "overdue", "rate"))
    return out


def as_csv(report: dict) -> str:
    return write_csv(("section", "key", "value"), rows(report))


def as_xlsx(report: dict) -> bytes:
    return write_xlsx(("section", "key", "value"), rows(report), f"Laporan {report['month']}")


def write_csv(header: tuple, table: list[tuple]) -> str:
    """A header and rows as CSV (the API's machine keys, or the page's labels in its language)."""
    import csv
    import io
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(table)
    return buffer.getvalue()


def write_xlsx(header: tuple, table: list[tuple], title: str) -> bytes:
    import io

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # a sheet name's limit
    sheet.append(header)
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answer_labels(session_factory: sessionmaker, unit_id: int | None) -> dict[str, dict]:
    """The titles of the counted answers (``x-enumTitles`` of the intake's forms, newest version the
    unit starts cases on): e.g. the seven ATENSI components by their full official names."""
    with detached_read(session_factory) as uow:
        try:
            version = latest_version(uow.session, INTAKE, unit_id)
        except NotFound:
            return {name: {} for name in ANSWERS}
        fields = shown.form_fields(versions.compiled(uow.session, version.id).forms)
    labels = {}
    for name, field in ANSWERS.items():
        prop = fields.get(field) or {}
        prop = prop.get("items") if isinstance(prop.get("items"), dict) else prop
        titles = prop.get("x-enumTitles") or {}
        # every value of the enum in its order; None where the form gives no title (the page humanises it)
        labels[name] = {value: titles.get(value) for value in prop.get("enum") or titles}
    return labels
