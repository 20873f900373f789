"""UU PDP: consent and suspension, the record of processing, and subject access."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.privacy.access_log import LogFilter

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.privacy import (
    AccessLogArgs,
    AccessLogEntrySchema,
    ConsentCreateSchema,
    ConsentReasonSchema,
    ConsentSchema,
    ConsentStatusSchema,
    SubjectAccessArgs,
    SubjectAccessSchema,
)

blp = Blueprint("privacy", __name__, url_prefix="/api/v1",
                description="Personal data (UU 27/2022 PDP): consent, record of processing, subject access")
blp.before_request(require_login)


@blp.get(f"/cases/<{ROW_ID}:case_id>/consents")
@blp.response(200, ConsentStatusSchema)
def consent_status(case_id):
    """The consents the case needs (the PM's; a guardian's too for a child), and every one recorded."""
    return services().privacy.consents.status(case_id, current_actor())


@blp.post(f"/cases/<{ROW_ID}:case_id>/consents")
@blp.arguments(ConsentCreateSchema)
@blp.response(201, ConsentSchema)
def give_consent(body, case_id):
    """Record a consent. A suspended case resumes once every consent it needs is in force again."""
    return services().privacy.consents.give(case_id, body["party"], body["given_by"],
                                            body["given_on"].isoformat(), body["scope"], current_actor())


@blp.post(f"/cases/<{ROW_ID}:case_id>/consent-withdrawal")
@blp.arguments(ConsentReasonSchema)
@blp.response(200, ConsentStatusSchema)
def withdraw_consent(body, case_id):
    """Withdraw consent: the case is suspended, its tasks leave the inboxes and its timers stop."""
    actor, privacy = current_actor(), services().privacy
    privacy.consents.withdraw(case_id, body["reason"], actor)
    return privacy.consents.status(case_id, actor)


@blp.post(f"/cases/<{ROW_ID}:case_id>/closure")
@blp.arguments(ConsentReasonSchema)
@blp.response(200, ConsentStatusSchema)
def close_suspended(body, case_id):
    """A supervisor closes a suspended case (its tasks are cancelled). 409 when it is not suspended."""
    actor, privacy = current_actor(), services().privacy
    privacy.consents.close_suspended(case_id, body["reason"], actor)
    return privacy.consents.status(case_id, actor)


@blp.get("/access-log")
@blp.arguments(AccessLogArgs, location="query")
@blp.response(200, AccessLogEntrySchema(many=True))
def access_log(args):
    """Who read or changed which case, task or export, newest first: by PM (NIK), case, user and date.
    Supervisors see their unit's; admins every unit's."""
    return services().privacy.access_log.entries(current_actor(), LogFilter(**args))


@blp.get("/subject-access")
@blp.arguments(SubjectAccessArgs, location="query")
@blp.response(200, SubjectAccessSchema)
def subject_access(args):
    """Admin: everything held about one PM (by NIK) and its record of processing."""
    return services().privacy.subject_access.report(args["nik"], current_actor())

