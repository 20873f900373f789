"""Cases: the list (search, filters, CSV export), registering a new case, and the case page
(profile, diagram with progress, history, open tasks, alerts, incidents, reporting a crisis)."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from atensi.services import services
from engine.cases import registration
from engine.cases.numbers import case_number
from engine.errors import Conflict, Forbidden, InvalidInput, ProcessFailure, StillFailing
from engine.pms.duplicates import DuplicatePm
from engine.read.case_search import CaseFilter
from engine.read.reading import MAX_PER_PAGE, Paging
from engine.vocabulary import CASE_ACTORS, DOCUMENT_KINDS, EDITORS, KOORDINASI, KRISIS, REFERRAL_SERVICES

from . import numbers, schema_form
from .i18n import AGES, CONSENT_SCOPES, PARTIES, RISKS, STAGES, STATUSES, label, local_datetime
from .pages import current_actor, page_blueprint, require_roles
from .registration import EmergencyReferralForm, RegistrationForm

bp = page_blueprint("web_cases", __name__)
PER_PAGE = 25
MAX_CRISIS_TEXT = 5000
FILTER_KEYS = ("q", "stage", "risk", "status", "overdue")


def chosen_filters(args) -> dict:
    """The list's filters from the query string, only known values."""
    overdue = {"1": True, "0": False}.get(args.get("overdue", ""))
    return {
        "q": (args.get("q") or "").strip()[:200] or None,
        "stage": args.get("stage") if args.get("stage") in STAGES else None,
        "risk": args.get("risk") if args.get("risk") in RISKS else None,
        "status": args.get("status") if args.get("status") in STATUSES else None,
        "overdue": overdue,
    }


def case_filter(chosen: dict, paging: Paging) -> CaseFilter:
    return CaseFilter(stage=chosen["stage"], status=chosen["status"], risk=chosen["risk"],
                      overdue=chosen["overdue"], text=chosen["q"], paging=paging)


@bp.get("/cases")
def case_list():
    chosen = chosen_filters(request.args)
    page_number = request.args.get("page", 1, type=numbers.page_number)
    page = services().queries.cases(current_actor(), case_filter(chosen, Paging(page_number, PER_PAGE)))
    query = {k: v for k, v in request.args.items() if k in FILTER_KEYS and v}
    pages = max(1, -(-page.total // PER_PAGE))
    work = services().queries.open_work(current_actor(), [case.id for case in page.items])
    return render_template("cases.html", page=page, chosen=chosen, query=query, pages=pages, work=work,
                           stages=STAGES, risks=RISKS, statuses=STATUSES)


@bp.get("/cases/export.csv")
def export_csv():
    """The list with the current filters, every page of it, as CSV (UTF-8 with a BOM for spreadsheets)."""
    actor, chosen = current_actor(), chosen_filters(request.args)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([gettext("Case"), gettext("Name"), gettext("NIK"), gettext("Age group"), gettext("Stage"),
                     gettext("Risk level"), gettext("Status"), gettext("Registered"), gettext("Next timer")])
    number, written = 1, 0
    while True:
        page = services().queries.cases(actor, case_filter(chosen, Paging(number, MAX_PER_PAGE)))
        writer.writerows(_csv_row(case) for case in page.items)
        written += len(page.items)
        if len(page.items) < MAX_PER_PAGE:  # a name search's total is a lower bound: read to the last page
            break
        number += 1
    services().privacy.access_log.record(actor, "export", "export", detail=f"cases.csv: {written} cases")
    name = f"kasus-{datetime.now():%Y%m%d-%H%M}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _csv_row(case) -> list[str]:
    cells = [str(case.id), case.pm_name, case.pm_nik or "", label(AGES, case.kategori_usia),
             label(STAGES, case.stage), label(RISKS, case.risk_level), label(STATUSES, case.status),
             local_datetime(case.created_at), local_datetime(case.next_timer_at)]
    return [spreadsheet_safe(cell) for cell in cells]


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@bp.route("/cases/new", methods=["GET", "POST"])
@require_roles(*CASE_ACTORS)
def register():
    form = RegistrationForm()
    if not form.validate_on_submit():
        return render_template("case_new.html", form=form), 422 if request.method == "POST" else 200
    try:
        case_id = registration.register(services().runtime, form.pm(), current_actor(), pm_id=form.pm_id.data,
                                        confirm_new_case=form.confirm_new_case.data,
                                        first_tasks_to_actor=services().settings.assign_first_task)
    except DuplicatePm as found:
        return render_template("case_new.html", form=form, matches=found.matches), 409
    flash(gettext("Case %(number)s registered: %(name)s. The intake has started.", number=case_number(case_id),
                  name=form.nama.data),
          "success")
    return redirect(url_for("web_cases.case_page", case_id=case_id))


@bp.route("/cases/emergency", methods=["GET", "POST"])
@require_roles(*CASE_ACTORS)
def refer_emergency():
    form = EmergencyReferralForm()
    if not form.validate_on_submit():
        return render_template("case_emergency.html", form=form), 422 if request.method == "POST" else 200
    try:
        case_id = registration.refer_emergency(services().runtime, form.pm(), form.uraian.data, current_actor(),
                                               pm_id=form.pm_id.data, confirm_new_case=form.confirm_new_case.data,
                                               first_tasks_to_actor=services().settings.assign_first_task)
    except DuplicatePm as found:
        return render_template("case_emergency.html", form=form, matches=found.matches), 409
    flash(gettext("Emergency referral #%(id)s registered: %(name)s. The triage task is open.", id=case_id,
                  name=form.nama.data), "success")
    return redirect(url_for("web_cases.case_page", case_id=case_id))


@bp.get("/cases/<int:case_id>")
def case_page(case_id):
    try:
        return render_case_page(case_id)
    except Forbidden:
        # a unit that transferred the case away still reads its history until the transfer
        history = list(reversed(services().queries.history(current_actor(), case_id)))
        return render_template("case_transferred.html", case_id=case_id, history=history)


def render_case_page(case_id: int, status: int = 200, **extra):
    """The case page; ``extra`` carries what a refused form says beside its fields (web.casefile)."""
    actor, queries = current_actor(), services().queries
    detail = queries.case(actor, case_id)
    history = list(reversed(queries.history(actor, case_id)))
    diagram = queries.diagram(actor, case_id)
    alerts, folded = fold_reminders(detail["alerts"])
    consent = services().privacy.consents.status(case_id, actor)
    casefile = services().casefile.for_page(case_id, actor)
    extra.setdefault("handovers", services().handovers.for_case(case_id, actor))
    extra.setdefault("units", services().handovers.receiving_units(actor))
    extra.setdefault("services_list", REFERRAL_SERVICES)
    actions = services().runtime.actions(case_id, actor) if actor.has(*CASE_ACTORS) else []
    extra.setdefault("action_fields", {a.message: schema_form.fields_of(a.schema, {}) for a in actions if a.schema})
    offered = {action.message for action in actions}  # none for a suspended or closed case
    return render_template("case.html", case=detail, history=history, diagram=diagram, alerts=alerts,
                           folded_reminders=folded, can_report_crisis=KRISIS in offered,
                           can_coordinate=KOORDINASI in offered,
                           actions=actions,
                           consent=consent, consent_parties=PARTIES, consent_scopes=CONSENT_SCOPES,
                           casefile=casefile, document_kinds=DOCUMENT_KINDS, **extra), status


def fold_reminders(alerts: list) -> tuple[list, int]:
    """The newest alert of each kind per task (or per case), newest first, and how many older ones were
    left out: a task a month late has thirty reminders, which buried the rest of the page.
    Takes alert rows or mappings (the inbox has rows, the case detail mappings)."""
    def field(alert, name):
        return alert[name] if isinstance(alert, Mapping) else getattr(alert, name)

    newest = {}
    for alert in alerts:
        key = (field(alert, "case_id"), field(alert, "task_id"), field(alert, "kind"))
        if key not in newest or field(newest[key], "id") < field(alert, "id"):
            newest[key] = alert
    shown = sorted(newest.values(), key=lambda alert: field(alert, "id"), reverse=True)
    return shown, len(alerts) - len(shown)


@bp.post("/cases/<int:case_id>/krisis")
def report_crisis(case_id):
    actor = current_actor()
    text = (request.form.get("uraian") or "").strip()
    if not text or len(text) > MAX_CRISIS_TEXT:
        flash(gettext("Describe the crisis (at most %(num)s characters).", num=MAX_CRISIS_TEXT), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor="krisis"))
    try:
        services().runtime.send_message(case_id, KRISIS, {"uraian": text, "dilaporkan_oleh": actor.username}, actor)
    except ProcessFailure as error:
        flash(gettext("The process could not go on: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    except Conflict:
        flash(gettext("This case cannot take a crisis report now (only while an intake case is open)."), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    children = services().queries.case(actor, case_id)["child_case_ids"]
    flash(gettext("Crisis reported. Case response #%(id)s has started.", id=children[-1] if children else "?"),
          "success")
    return redirect(url_for("web_cases.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/koordinasi")
def record_coordination(case_id):
    """Koordinasi with another institution, at any time while the case is open: opens its task."""
    actor, engine = current_actor(), services()
    try:
        engine.runtime.send_message(case_id, KOORDINASI, {"diminta_oleh": actor.username}, actor)
    except (ProcessFailure, Conflict):
        flash(gettext("This case cannot record a coordination now."), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    opened = [t for t in engine.queries.case(actor, case_id)["open_tasks"] if t["element_id"] == "Task_koordinasi"]
    if not opened:  # a redesigned process may name it otherwise: the case page lists it
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    return redirect(url_for("web_tasks.task", task_id=max(opened, key=lambda t: t["created_at"])["id"]))


@bp.post("/cases/<int:case_id>/aksi/<string(maxlength=200):message>")
def take_action(case_id, message):
    """One of the case's actions that has a form (engine.cases.actions), e.g. usulan_terminasi."""
    actor, engine = current_actor(), services()
    action = next((a for a in engine.runtime.actions(case_id, actor) if a.message == message and a.schema), None)
    if action is None:
        flash(gettext("This case cannot take that action now."), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    data = schema_form.parse(action.schema, request.form)
    try:
        engine.runtime.send_message(case_id, message, data, actor)
    except InvalidInput as error:
        names = set(action.schema.get("properties") or {})
        errors = schema_form.merge_errors(schema_form.errors_of(action.schema, data), error.fields, names)
        return render_case_page(case_id, 422, action_fields={
            message: schema_form.fields_of(action.schema, data, errors)})
    except (Conflict, ProcessFailure):
        flash(gettext("This case cannot take that action now."), "error")
        return redirect(url_for("web_cases.case_page", case_id=case_id))
    flash(gettext("Sent: %(label)s", label=action.label), "success")
    return redirect(url_for("web_cases.case_page", case_id=case_id))


@bp.post("/incidents/<int:incident_id>/retry")
@require_roles(*EDITORS)
def retry_incident(incident_id):
    """Run the failed step again (after the process or the data was fixed)."""
    actor, engine = current_actor(), services()
    case_id = engine.queries.incident(actor, incident_id).case_id
    try:
        engine.runtime.retry_incident(incident_id, actor)
        flash(gettext("The failed step was run again."), "success")
    except (StillFailing, ProcessFailure) as error:
        flash(gettext("Retry failed. %(reason)s", reason=str(error)), "error")
    except Conflict:
        flash(gettext("This incident is already resolved."), "info")
    return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor="incidents"))
