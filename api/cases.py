"""Cases: register a PM, list and read cases, their history and diagram progress, send messages."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.cases import registration
from engine.read.case_search import CaseFilter
from engine.read.reading import Paging

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.cases import (
    ActionPayloadSchema,
    ActionSchema,
    CaseCreateSchema,
    CaseDetailSchema,
    CasePageSchema,
    CaseResponseCreateSchema,
    CasesArgs,
    DiagramSchema,
    HistoryEventSchema,
    MessageSchema,
)

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="Cases of PM (penerima manfaat)")
blp.before_request(require_login)


@blp.post("/cases")
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseDetailSchema)
@blp.alt_response(409, description="the NIK (or name and birth date) matches a PM registered before: the "
                  "problem's `matches` say who and where; repeat with `pm_id` or `confirm_new_case`")
def create_case(body):
    """Register a PM and start the ATENSI intake (or the process named by `process`)."""
    actor, engine = current_actor(), services()
    case_id = registration.register(engine.runtime, body["pm"], actor, body["unit_id"], body["process"], body["data"],
                                    pm_id=body["pm_id"], confirm_new_case=body["confirm_new_case"],
                                    first_tasks_to_actor=engine.settings.assign_first_task)
    return engine.queries.case(actor, case_id, log_read=False)  # the registration is logged as a change


@blp.post("/case-responses")
@blp.arguments(CaseResponseCreateSchema)
@blp.response(201, CaseDetailSchema)
@blp.alt_response(409, description="a PM of the same NIK, or without one of the same name and birth date, is "
                  "registered: the problem's `matches`; repeat with `pm_id` or `confirm_new_case`")
def create_case_response(body):
    """Start a case response (respon kasus) for a new emergency referral."""
    actor, engine = current_actor(), services()
    case_id = registration.refer_emergency(engine.runtime, body["pm"], body["uraian"], actor, body["unit_id"],
                                           body["data"], pm_id=body["pm_id"],
                                           confirm_new_case=body["confirm_new_case"],
                                           first_tasks_to_actor=engine.settings.assign_first_task)
    return engine.queries.case(actor, case_id, log_read=False)  # the registration is logged as a change


@blp.get("/cases")
@blp.arguments(CasesArgs, location="query")
@blp.response(200, CasePageSchema)
def list_cases(args):
    """Cases of the caller's unit, newest first, filtered and paged."""
    wanted = CaseFilter(stage=args.get("stage"), status=args.get("status"), risk=args.get("risk"),
                        unit_id=args.get("unit_id"), process=args.get("process"), overdue=args.get("overdue"),
                        text=args.get("q"), paging=Paging(args["page"], args["per_page"]))
    return services().queries.cases(current_actor(), wanted)


@blp.get(f"/cases/<{ROW_ID}:case_id>")
@blp.response(200, CaseDetailSchema)
def get_case(case_id):
    """Profile, stage, status, open tasks, incidents and alerts."""
    return services().queries.case(current_actor(), case_id)


@blp.get(f"/cases/<{ROW_ID}:case_id>/history")
@blp.response(200, HistoryEventSchema(many=True))
def case_history(case_id):
    """What happened to the case, in order, with who did it."""
    return services().queries.history(current_actor(), case_id)


@blp.get(f"/cases/<{ROW_ID}:case_id>/diagram")
@blp.response(200, DiagramSchema)
def case_diagram(case_id):
    """The version's BPMN and the element ids that are completed, active and waiting."""
    return services().queries.diagram(current_actor(), case_id)


@blp.post(f"/cases/<{ROW_ID}:case_id>/messages")
@blp.arguments(MessageSchema)
@blp.response(200, CaseDetailSchema)
def send_message(message, case_id):
    """Deliver a message the case waits for, e.g. `krisis`. 409 when it waits for no such message."""
    actor, engine = current_actor(), services()
    engine.runtime.send_message(case_id, message["name"], message["payload"], actor)
    return engine.queries.case(actor, case_id)


@blp.get(f"/cases/<{ROW_ID}:case_id>/actions")
@blp.response(200, ActionSchema(many=True))
def case_actions(case_id):
    """What the case can receive now, read from its diagram (e.g. `usulan_terminasi`, `krisis`), each with
    its label and the form its payload must match, if any."""
    return [action.to_dict() for action in services().runtime.actions(case_id, current_actor())]


@blp.post(f"/cases/<{ROW_ID}:case_id>/actions/<string(maxlength=200):message>")
@blp.arguments(ActionPayloadSchema)
@blp.response(200, CaseDetailSchema)
def trigger_action(payload, case_id, message):
    """Take one of the case's actions with the body as its payload (checked against the action's form:
    422 naming the field). 409 when the case cannot take it now."""
    actor, engine = current_actor(), services()
    engine.runtime.send_message(case_id, message, payload, actor)
    return engine.queries.case(actor, case_id)
