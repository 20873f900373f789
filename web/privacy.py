"""Personal data (UU PDP) pages: consent on the case page, the record of processing for
supervisors and admins, and the subject-access report for admins (printable, or as JSON)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, current_app, flash, json, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.errors import Conflict, InvalidInput
from engine.privacy.access_log import LogFilter
from engine.vocabulary import ADMIN, EDITORS, SUPERVISOR

from .i18n import CONSENT_SCOPES, PARTIES
from .numbers import row_id
from .pages import current_actor, page_blueprint, require_roles

bp = page_blueprint("web_privacy", __name__)
LOG_ROWS = 200


@bp.post("/cases/<int:case_id>/consents")
def give_consent(case_id):
    form = request.form
    scope = [s for s in form.getlist("scope") if s in CONSENT_SCOPES]
    try:
        services().privacy.consents.give(case_id, form.get("party", ""), form.get("given_by", ""),
                                         form.get("given_on", ""), scope, current_actor())
        flash(gettext("Consent recorded."), "success")
    except InvalidInput as refused:
        flash(gettext("The consent was not recorded: %(fields)s", fields=", ".join(refused.fields)), "error")
    return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor="consent"))


@bp.post("/cases/<int:case_id>/consent-withdrawal")
def withdraw_consent(case_id):
    actor = current_actor()
    try:
        services().privacy.consents.withdraw(case_id, request.form.get("reason", ""), actor)
    except InvalidInput:
        flash(gettext("Give the reason the consent was withdrawn."), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor="consent"))
    except Conflict:
        flash(gettext("This case is already suspended or closed."), "info")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    flash(gettext("Consent withdrawn. Case #%(id)s is suspended: its tasks have left the inboxes.", id=case_id),
          "success")
    if actor.has(*EDITORS):
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    return redirect(url_for("web_inbox.inbox"))


@bp.post("/cases/<int:case_id>/closure")
@require_roles(SUPERVISOR)
def close_case(case_id):
    try:
        services().privacy.consents.close_suspended(case_id, request.form.get("reason", ""), current_actor())
        flash(gettext("The case is closed."), "success")
    except Conflict:
        flash(gettext("Only a suspended case can be closed here."), "error")
    return redirect(url_for("web_cases.case_page", case_id=case_id))


@bp.get("/privacy/access-log")
@require_roles(*EDITORS)
def access_log():
    chosen, wanted = _log_filter(request.args)
    rows = services().privacy.access_log.entries(current_actor(), wanted)
    return render_template("privacy_access_log.html", rows=rows, chosen=chosen, limit=LOG_ROWS)


@bp.get("/privacy/subject-access")
@require_roles(ADMIN)
def subject_access():
    nik = (request.args.get("nik") or "").strip()
    report = services().privacy.subject_access.report(nik, current_actor()) if nik else None
    return render_template("privacy_subject_access.html", nik=nik, report=report, parties=PARTIES)


@bp.get("/privacy/subject-access.json")
@require_roles(ADMIN)
def subject_access_json():
    nik = (request.args.get("nik") or "").strip()
    report = services().privacy.subject_access.report(nik, current_actor())
    return Response(json.dumps(report, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="subject-access-{nik[-4:]}.json"'})


def _log_filter(args) -> tuple[dict, LogFilter]:
    """The log's filters from the query string; unknown or malformed values are ignored."""
    zone = ZoneInfo(current_app.config["WEB_TIMEZONE"])
    nik = (args.get("nik") or "").strip()
    chosen = {"nik": nik if nik.isdigit() and len(nik) == 16 else "",
              "actor": (args.get("actor") or "").strip()[:80],
              "case_id": args.get("case_id", type=row_id),
              "since": _day(args.get("since")), "until": _day(args.get("until"))}
    since = datetime.combine(chosen["since"], time(), zone) if chosen["since"] else None
    until = datetime.combine(chosen["until"] + timedelta(days=1), time(), zone) if chosen["until"] else None
    return chosen, LogFilter(nik=chosen["nik"] or None, actor=chosen["actor"] or None, case_id=chosen["case_id"],
                             since=since, until=until, limit=LOG_ROWS)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
