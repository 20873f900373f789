"""The inbox (Tugas Saya): my tasks and my roles' open queue in my unit, filtered and sorted; claim
and unclaim; the alerts panel with acknowledge."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.errors import Conflict, InvalidInput
from engine.read.inbox import TaskFilter
from engine.read.reading import MAX_PER_PAGE, Paging

from .cases import fold_reminders
from .i18n import STAGES
from .pages import current_actor, page_blueprint, safe_next

bp = page_blueprint("web_inbox", __name__)
SORTS = {"due": "due", "-due": "-due", "priority": "priority"}
ALERTS_SHOWN = 30


def _filters() -> dict:
    args = request.args
    return {
        "stage": args.get("stage") if args.get("stage") in STAGES else None,
        "sort": SORTS.get(args.get("sort", ""), "due"),
        "overdue": True if args.get("overdue") == "1" else None,
    }


@bp.get("/inbox")
def inbox():
    actor, engine, chosen = current_actor(), services(), _filters()
    page = engine.queries.inbox(actor, TaskFilter(stage=chosen["stage"], sort=chosen["sort"],
                                                  overdue=chosen["overdue"], paging=Paging(1, MAX_PER_PAGE)))
    mine = [t for t in page.items if t["assignee"] == actor.username]
    queue = [t for t in page.items if t["assignee"] is None]
    alerts = engine.queries.alerts(actor, acked=False, paging=Paging(1, ALERTS_SHOWN))
    shown, folded = fold_reminders(alerts.items)
    return render_template("inbox.html", mine=mine, queue=queue, alerts=alerts, shown_alerts=shown,
                           folded_reminders=folded, chosen=chosen, stages=STAGES, total=page.total,
                           handovers=engine.handovers.incoming(actor),
                           alert_due=engine.queries.due_times(actor, shown),
                           saved=[(f, url_for("web_inbox.inbox", **_query(f["filters"])))
                                  for f in engine.saved_filters.of(actor)],
                           filtered=bool(chosen["stage"] or chosen["overdue"] or chosen["sort"] != "due"))


@bp.post("/inbox/filters")
def save_filter():
    """Save the filters in use under a name (the same name again replaces them)."""
    chosen = {key: request.form.get(key) or None for key in ("stage", "sort")}
    chosen["overdue"] = request.form.get("overdue") == "1" or None
    try:
        saved = services().saved_filters.save(current_actor(), request.form.get("name", ""), chosen)
    except InvalidInput:
        flash(gettext("Give the filter a name (at most 80 characters)."), "error")
        return redirect(url_for("web_inbox.inbox", **_query(chosen)))
    flash(gettext("Filter saved: %(name)s", name=saved["name"]), "success")
    return redirect(url_for("web_inbox.inbox", **_query(saved["filters"])))


@bp.post("/inbox/filters/<int(max=2147483647):filter_id>/delete")
def delete_filter(filter_id):
    services().saved_filters.delete(current_actor(), filter_id)
    flash(gettext("Filter deleted."), "success")
    return redirect(url_for("web_inbox.inbox"))


def _query(filters: dict) -> dict:
    """A saved filter as the inbox's query string."""
    return {key: ("1" if value is True else value) for key, value in filters.items() if value}


@bp.post("/tasks/<string(maxlength=36):task_id>/claim")
def claim(task_id):
    try:
        services().runtime.claim(task_id, current_actor())
    except Conflict:
        flash(gettext("Someone else has already claimed this task."), "error")
        return _back(url_for("web_inbox.inbox"))
    flash(gettext("The task is yours now."), "success")
    return _back(url_for("web_tasks.task", task_id=task_id))


@bp.post("/tasks/<string(maxlength=36):task_id>/unclaim")
def unclaim(task_id):
    try:
        services().runtime.unclaim(task_id, current_actor())
        flash(gettext("The task is back in its role's queue."), "success")
    except Conflict:
        flash(gettext("This task is no longer open."), "error")
    return _back(url_for("web_inbox.inbox"))


@bp.post("/alerts/<int:alert_id>/ack")
def acknowledge(alert_id):
    try:
        services().alerts.acknowledge(alert_id, current_actor())
        flash(gettext("Alert acknowledged."), "success")
    except Conflict:
        flash(gettext("Someone has already acknowledged this alert."), "info")
    return _back(url_for("web_inbox.inbox"))


def _back(default: str):
    return redirect(safe_next(request.form.get("next"), default))
