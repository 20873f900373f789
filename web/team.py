"""The supervisor's handing over of a worker's open tasks while they are away: choose the worker
and who takes over (one chosen person, or in turn), see the preview, then hand over in one action."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from atensi.services import services
from engine.vocabulary import LANE_ROLES, SUPERVISOR

from .pages import current_actor, page_blueprint, require_roles

bp = page_blueprint("web_team", __name__)


def _choice() -> tuple[str, list[str]]:
    """The absent worker and the receivers: one chosen person, or nobody named (in turn over all)."""
    source = request.form if request.method == "POST" else request.args
    chosen = source.get("to") or ""
    return source.get("from") or "", [chosen] if chosen else []


@bp.route("/team/away", methods=["GET", "POST"])
@require_roles(SUPERVISOR)
def away():
    actor, engine = current_actor(), services()
    absent, receivers = _choice()
    people = [u for u in engine.directory.users(actor) if u.active and set(u.roles) & set(LANE_ROLES)]
    if request.method == "POST":
        made = engine.reassignments.apply(actor, absent, receivers)
        flash(ngettext("%(num)d open task handed over.", "%(num)d open tasks handed over.", len(made)), "success")
        return redirect(url_for("web_team.away", **{"from": absent}))
    moves = engine.reassignments.preview(actor, absent, receivers) if absent else None
    return render_template("team_away.html", people=people, absent=absent, receivers=receivers, moves=moves)
