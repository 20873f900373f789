"""Transfers of a case to another unit, and referrals asking another unit for a service."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.handovers import (
    HandoverAnswerSchema,
    HandoverListArgs,
    HandoverSchema,
    ReferralCreateSchema,
    TransferCreateSchema,
)

blp = Blueprint("handovers", __name__, url_prefix="/api/v1",
                description="Transfers and referrals between units (the receiving unit sees the minimum it needs)")
blp.before_request(require_login)


@blp.post(f"/cases/<{ROW_ID}:case_id>/transfers")
@blp.arguments(TransferCreateSchema)
@blp.response(201, HandoverSchema)
def propose_transfer(body, case_id):
    """A pekerja sosial proposes moving the case to another unit, with a reason and the PM's consent.
    409 when a transfer is already pending or the case is closed."""
    return services().handovers.propose_transfer(case_id, body["to_unit_id"], body["reason"],
                                                 body["consent_given_by"], body["consent_given_on"].isoformat(),
                                                 current_actor())


@blp.post(f"/cases/<{ROW_ID}:case_id>/referrals")
@blp.arguments(ReferralCreateSchema)
@blp.response(201, HandoverSchema)
def refer(body, case_id):
    """Ask another unit (to_unit_id) or an outside institution (to_institution) for a service."""
    return services().handovers.refer(case_id, body["service"], body["reason"], current_actor(),
                                      to_unit_id=body["to_unit_id"], to_institution=body["to_institution"])


@blp.get(f"/cases/<{ROW_ID}:case_id>/handovers")
@blp.response(200, HandoverSchema(many=True))
def case_handovers(case_id):
    """Every transfer and referral of the case, for the case's unit."""
    return services().handovers.for_case(case_id, current_actor())


@blp.get("/handovers")
@blp.arguments(HandoverListArgs, location="query")
@blp.response(200, HandoverSchema(many=True))
def incoming(args):
    """The transfers and referrals addressed to the caller's unit, earliest due first."""
    return services().handovers.incoming(current_actor(), open_only=args["open_only"])


@blp.get(f"/handovers/<{ROW_ID}:handover_id>")
@blp.response(200, HandoverSchema)
def handover(handover_id):
    """One transfer or referral, for the sending and the receiving unit (404 for anyone else)."""
    return services().handovers.get(handover_id, current_actor())


@blp.post(f"/handovers/<{ROW_ID}:handover_id>/answer")
@blp.arguments(HandoverAnswerSchema)
@blp.response(200, HandoverSchema)
def answer(body, handover_id):
    """The receiving unit answers: a transfer (its supervisor) accepted or rejected; a referral
    accepted, done or refused. A refusal needs a note. Accepting a transfer moves the case, its open
    tasks and its alerts to the receiving unit."""
    return services().handovers.answer(handover_id, body["answer"], body["note"], current_actor())
