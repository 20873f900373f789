"""A supervisor's merge of two PM records of one person, from a case page: name the other record
by one of its case numbers, see what moves, give the reason, merge."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.cases.numbers import case_id_of, case_number
from engine.errors import InvalidInput
from engine.vocabulary import SUPERVISOR

from .pages import current_actor, page_blueprint, require_roles

bp = page_blueprint("web_pm_merge", __name__)


def _records(case_id: int) -> tuple[int, int, str]:
    """The PM of this case (kept), the PM of the case named in ``other`` (merged into it), the number."""
    actor, queries = current_actor(), services().queries
    source = request.form if request.method == "POST" else request.args
    other = (source.get("other") or "").strip()
    other_id = case_id_of(other)
    if other_id is None:
        raise InvalidInput(gettext("Type the other record's case number, e.g. K-000123."), {"other": ["a case number"]})
    kept = queries.case(actor, case_id)["pm_id"]
    gone = queries.case(actor, other_id)["pm_id"]
    return kept, gone, case_number(other_id)


@bp.route("/cases/<int:case_id>/merge-pm", methods=["GET", "POST"])
@require_roles(SUPERVISOR)
def merge(case_id):
    kept, gone, other = _records(case_id)
    pms = services().pms
    if request.method == "POST":
        reason = request.form.get("reason", "")
        if reason.strip():
            done = pms.merge(current_actor(), gone, kept, reason)
            flash(gettext("The PM records are merged: %(num)s case(s) moved.", num=len(done["moved_case_ids"])),
                  "success")
            return redirect(url_for("web_cases.case_page", case_id=case_id))
        flash(gettext("Say why the two records are one person."), "error")
    preview = pms.merge_preview(current_actor(), gone, kept)
    return render_template("pm_merge.html", case_id=case_id, other=other, preview=preview)
