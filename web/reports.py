"""The monthly laporan kegiatan page (seed 003: "laporan kegiatan PM", monev): a month and unit chooser,
each breakdown as a bar chart (inline SVG drawn on the server) beside its table, CSV and XLSX exports,
and a print layout (the "Cetak" button; atensi.css's print rules)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from atensi.services import services
from engine import clock, vocabulary
from engine.errors import InvalidInput
from engine.read import monthly
from engine.read.dashboard import Dashboard

from .dashboard import Bar, bars
from .i18n import AGES, REFERRALS, SEXES, STAGES, month_name
from .numbers import row_id
from .pages import current_actor, page_blueprint, require_roles

bp = page_blueprint("web_reports", __name__)
READERS = (*vocabulary.EDITORS, vocabulary.KOORDINATOR_WILAYAH)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_STAGES = vocabulary.STAGES[vocabulary.INTAKE] + vocabulary.STAGES[vocabulary.CASE_RESPONSE]
# The summary figures: (element id, report key, label), on the page and in the exports.
SUMMARY = (("pm", "pm_served", _l("PM served (people)")), ("served", "cases_served", _l("cases served")),
           ("new", "new_cases", _l("new cases")), ("closed", "closed_cases", _l("closed cases")))


@dataclass(frozen=True)
class Breakdown:
    id: str
    title: str
    bars: list[Bar]
    total: int


def breakdowns(report: dict, labels: dict) -> list[Breakdown]:
    """The report's counted sections in the issue's order, every known key shown (zeros too)."""
    sections = [
        ("setting", _l("By service setting"), tuple(labels["setting"]), labels["setting"]),
        ("component", _l("By ATENSI component delivered"), tuple(labels["component"]), labels["component"]),
        ("termination", _l("By termination reason"), tuple(labels["termination"]), labels["termination"]),
        ("kategori_usia", _l("Child or adult"), tuple(AGES), AGES),
        ("sex", _l("By sex"), tuple(SEXES), SEXES),
        ("age_band", _l("By age band"), tuple(band for _, _, band in monthly.AGE_BANDS), {}),
        ("referral_source", _l("By referral source"), tuple(REFERRALS), REFERRALS),
    ]
    out = []
    for name, title, order, table in sections:
        counts = report[f"by_{name}"]
        out.append(Breakdown(name, str(title), bars(counts, order, table, gettext("Not recorded")),
                             sum(counts.values())))
    return out


def stage_times(report: dict) -> list[Bar]:
    medians = report["median_days_to_stage"]
    return bars(medians, tuple(stage for stage in ALL_STAGES if stage in medians), STAGES, gettext("No stage"))


def worker_bars(workers: list[dict]) -> list[dict]:
    """The overdue rate per worker as the chart's bars (the chart shows each one's rate, not its count)."""
    return [{"key": w["worker"] or "", "label": w["worker"] or gettext("open queue (unclaimed)"),
             "count": w["overdue"], "rate": w["rate"]} for w in workers]


def _month() -> tuple[int, int]:
    text = request.args.get("month") or clock.now().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise InvalidInput(gettext("Choose a month (YYYY-MM)."), {"month": ["must be YYYY-MM"]})
    year, month = (int(part) for part in text.split("-"))
    monthly.month_bounds(year, month)  # refuses a month out of range, naming the field
    return year, month


def _report() -> dict:
    year, month = _month()
    return monthly.MonthlyReport(services().session_factory).build(
        current_actor(), year, month, request.args.get("unit", type=row_id))


def _page_parts() -> dict:
    """What the page and its exports show: the report, its unit, and each section with its labels."""
    actor, factory = current_actor(), services().session_factory
    report = _report()
    region = Dashboard(factory).region(actor)
    unit = next((u for u in region if u["id"] == report["unit_id"]), None)
    labels = monthly.answer_labels(factory, report["unit_id"])
    return dict(report=report, region=region, unit=unit, breakdowns=breakdowns(report, labels),
                stage_bars=stage_times(report), workers=report["overdue_by_worker"],
                worker_bars=worker_bars(report["overdue_by_worker"]))


@bp.get("/reports/monthly")
@require_roles(*READERS)
def monthly_page():
    return render_template("report_monthly.html", summary_items=SUMMARY, **_page_parts())


def export_rows(parts: dict) -> list[tuple]:
    """The page's figures as (section, item, number) rows under the page's own labels and language."""
    report, summary = parts["report"], gettext("Summary")
    out = [(summary, gettext("Month"), month_name(report["month"])),
           (summary, gettext("Unit"), parts["unit"]["name"] if parts["unit"] else report["unit_id"])]
    out += [(summary, str(label), report[key]) for _, key, label in SUMMARY]
    for section in parts["breakdowns"]:
        out += [(section.title, bar.label, bar.count) for bar in section.bars]
    stages = gettext("Median days from registration to each stage")
    out += [(stages, bar.label, bar.count) for bar in parts["stage_bars"]]
    per_worker = gettext("Overdue rate per worker")
    for load in parts["workers"]:
        who = load["worker"] or gettext("open queue (unclaimed)")
        out += [(f"{per_worker}: {name}", who, load[key])
                for key, name in (("due", gettext("Due")), ("overdue", gettext("Overdue")), ("rate", gettext("Rate")))]
    return out


@bp.get("/reports/monthly.<any(csv, xlsx):kind>")
@require_roles(*READERS)
def monthly_export(kind: str):
    parts = _page_parts()
    report, table = parts["report"], export_rows(parts)
    header = (gettext("Section"), gettext("Item"), gettext("Number"))
    name = f"laporan-kegiatan-{report['unit_id']}-{report['month']}.{kind}"
    if kind == "csv":
        body, mimetype = monthly.write_csv(header, table), "text/csv"
    else:
        body, mimetype = monthly.write_xlsx(header, table, month_name(report["month"])), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
