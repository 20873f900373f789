"""The task page: the task's JSON Schema form, prefilled from the case data, completed with the
server's validation errors shown next to their fields; then on to my next task on the case."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.errors import Conflict, InvalidInput, ProcessFailure
from engine.people.access import Actor, can_claim, can_complete, can_unclaim
from engine.read.inbox import TaskFilter
from engine.read.reading import Paging

from . import schema_form
from .pages import current_actor, page_blueprint

bp = page_blueprint("web_tasks", __name__)
TASK_ID = "<string(maxlength=36):task_id>"


@bp.get(f"/tasks/{TASK_ID}")
def task(task_id):
    actor = current_actor()
    detail = services().queries.task(actor, task_id)
    fields = schema_form.fields_of(detail["form_schema"], detail["data"])
    return _render(actor, detail, fields)


@bp.post(f"/tasks/{TASK_ID}")
def complete(task_id):
    actor, engine = current_actor(), services()
    detail = engine.queries.task(actor, task_id)
    schema = detail["form_schema"]
    data = schema_form.parse(schema, request.form)
    try:
        engine.runtime.complete_task(task_id, data, actor)
    except InvalidInput as error:
        names = set((schema or {}).get("properties") or {})
        facts = {"kategori_usia": detail.get("kategori_usia")}
        errors = schema_form.merge_errors(schema_form.errors_of(schema, data, facts), error.fields, names)
        fields = schema_form.fields_of(schema, {**detail["data"], **data}, errors)
        return _render(actor, detail, fields, form_errors=errors.get("data", [])), 422
    except ProcessFailure as error:
        flash(gettext("The process could not go on: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("web_tasks.task", task_id=task_id))
    except Conflict:
        flash(gettext("This task was completed or taken by someone else in the meantime."), "error")
        return redirect(url_for("web_tasks.task", task_id=task_id))
    flash(gettext("Task completed: %(name)s", name=detail["name"]), "success")
    return redirect(_next_page(actor, detail["case_id"]))


def _render(actor: Actor, detail: dict, fields: list, form_errors: list | None = None):
    banner = detail.get("banner")
    if banner:  # the banner at the top replaces the form's read-only copy of the same note
        fields = [f for f in fields if not (f.widget == "readonly" and f.name == banner["path"])]
    return render_template("task.html", task=detail, fields=fields, form_errors=form_errors or [],
                           can_complete=can_complete(actor, detail), can_claim=can_claim(actor, detail),
                           can_unclaim=can_unclaim(actor, detail))


def _next_page(actor: Actor, case_id: int) -> str:
    """My next task on this case (mine first, then my roles' unclaimed ones), else the inbox."""
    tasks = services().queries.inbox(actor, TaskFilter(case_id=case_id, paging=Paging(1, 50))).items
    ordered = sorted((t for t in tasks if can_complete(actor, t)), key=lambda t: t["assignee"] is None)
    if ordered:
        return url_for("web_tasks.task", task_id=ordered[0]["id"])
    return url_for("web_inbox.inbox")
