"""Transfers and referrals between units on the pages: asked from the case page, answered from the
receiving unit's list (linked from the inbox) and from each request's own page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.errors import Conflict, InvalidInput
from engine.vocabulary import HANDOVER_PENDING, REFERRAL_ANSWERS, TRANSFER, TRANSFER_ANSWERS

from .cases import render_case_page
from .i18n import HANDOVER_STATUSES, label
from .numbers import row_id
from .pages import current_actor, page_blueprint

bp = page_blueprint("web_handovers", __name__)


@bp.get("/handovers")
def incoming():
    """Requests addressed to my unit, earliest due first; answered ones below, when asked for."""
    actor = current_actor()
    waiting = services().handovers.incoming(actor)
    return render_template("handovers.html", waiting=waiting)


@bp.get("/handovers/<int:handover_id>")
def handover(handover_id):
    return _page(handover_id)


def _page(handover_id: int, status: int = 200, errors: dict | None = None):
    item = services().handovers.get(handover_id, current_actor())
    answers = TRANSFER_ANSWERS if item["kind"] == TRANSFER else REFERRAL_ANSWERS
    if item["status"] != HANDOVER_PENDING:
        answers = tuple(a for a in answers if a == "done")
    return render_template("handover.html", item=item, answers=answers, errors=errors or {}), status


@bp.post("/handovers/<int:handover_id>/answer")
def answer(handover_id):
    try:
        item = services().handovers.answer(handover_id, request.form.get("answer"), request.form.get("note"),
                                           current_actor())
    except InvalidInput as error:
        return _page(handover_id, 422, error.fields)
    except Conflict as error:
        flash(str(error), "error")
        return redirect(url_for("web_handovers.handover", handover_id=handover_id))
    flash(gettext("Answer recorded: %(answer)s.", answer=label(HANDOVER_STATUSES, item["status"])), "success")
    return redirect(url_for("web_handovers.handover", handover_id=handover_id))


@bp.post("/cases/<int:case_id>/transfer")
def propose_transfer(case_id):
    form = request.form
    return _asked(case_id, lambda: services().handovers.propose_transfer(
        case_id, form.get("to_unit_id", type=row_id), form.get("reason"), form.get("consent_given_by"),
        form.get("consent_given_on"), current_actor()),
        gettext("Transfer proposed. The receiving unit's supervisor will answer."), "transfer")


@bp.post("/cases/<int:case_id>/referral")
def refer(case_id):
    form = request.form
    outside = (form.get("to_institution") or "").strip() or None
    return _asked(case_id, lambda: services().handovers.refer(
        case_id, form.get("service"), form.get("reason"), current_actor(),
        to_unit_id=None if outside else form.get("to_unit_id", type=row_id), to_institution=outside),
        gettext("Referral sent."), "referral")


def _asked(case_id: int, ask, done_message: str, form_name: str):
    """Send a transfer or referral request from the case page: its form's errors beside its own fields
    (422; both forms have a unit and a reason), a refusal as a message, and back to the case's handovers."""
    try:
        ask()
    except InvalidInput as error:
        return render_case_page(case_id, 422, handover_errors={form_name: error.fields})
    except Conflict as error:
        flash(str(error), "error")
    else:
        flash(done_message, "success")
    return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor="handovers"))
