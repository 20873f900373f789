"""The supervisor's dashboard: cases per stage and risk level as bar charts (inline SVG drawn on the
server), overdue tasks per worker, deadlines in the next 7 days, and the diagram heat map."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext

from atensi.services import services
from engine import vocabulary
from engine.read.dashboard import Dashboard

from .i18n import RISKS, STAGES, label
from .numbers import row_id
from .pages import current_actor, page_blueprint, require_roles

bp = page_blueprint("web_dashboard", __name__)
DAYS_AHEAD = 7


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    percent: float  # of the longest bar, 0..100


def bars(counts: dict, order: tuple, table: dict, missing: str) -> list[Bar]:
    """Every key of ``order`` (zeros too, so the chart's shape is stable), then any other key."""
    keys = list(order) + sorted((k for k in counts if k not in order and k is not None), key=str)
    if None in counts:
        keys.append(None)
    top = max(counts.values(), default=0) or 1
    return [Bar(key or "", label(table, key, missing), counts.get(key, 0), round(100 * counts.get(key, 0) / top, 1))
            for key in keys]


@bp.get("/dashboard")
@require_roles(*vocabulary.EDITORS, vocabulary.KOORDINATOR_WILAYAH)
def dashboard():
    actor = current_actor()
    board = Dashboard(services().session_factory)
    unit_id = request.args.get("unit", type=row_id)  # a koordinator wilayah reads each unit of its region
    summary = board.summary(actor, DAYS_AHEAD, unit_id)
    heat = board.heat_map(actor, unit_id=unit_id)
    region = board.region(actor) if actor.has(vocabulary.KOORDINATOR_WILAYAH) else []
    return render_template(
        "dashboard.html", summary=summary, heat=heat, region=region,
        stage_bars=bars(summary["by_stage"], vocabulary.STAGES[vocabulary.INTAKE], STAGES, gettext("No stage")),
        risk_bars=bars(summary["by_risk"], vocabulary.RISK_LEVELS, RISKS, gettext("Not assessed")),
        total_live=summary["live_cases"])
