"""Alerts for the caller, and incidents for supervisors."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.vocabulary import INCIDENT_OPEN, INCIDENT_STATUSES

from .common import FreeObject, PagingArgs, Timestamp, page_of
from .tasks import number_of_case


class AlertSchema(Schema):
    id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"description": "overdue, reminder, escalation or timer"})
    case_id = fields.Int(allow_none=True)
    case_number = fields.Function(number_of_case, dump_only=True, metadata={"type": "string"})
    task_id = fields.Str(allow_none=True)
    unit_id = fields.Int()
    recipient = fields.Str(allow_none=True)
    recipient_role = fields.Str(allow_none=True)
    message = fields.Str()
    link = fields.Str(allow_none=True)
    created_at = Timestamp()
    acked_at = Timestamp(allow_none=True)
    acked_by = fields.Str(allow_none=True)


AlertPageSchema = page_of(AlertSchema, "AlertPage")


class AlertsArgs(PagingArgs):
    state = fields.Str(load_default="open", validate=validate.OneOf(["open", "acked", "all"]),
                       metadata={"description": "open (not acknowledged), acked or all"})


class IncidentSchema(Schema):
    id = fields.Int(required=True)
    case_id = fields.Int(required=True)
    case_number = fields.Function(number_of_case, dump_only=True, metadata={"type": "string"})
    task_id = fields.Str()
    element_id = fields.Str()
    line = fields.Int(allow_none=True)
    error_line = fields.Str(allow_none=True)
    message = fields.Str()
    status = fields.Str()
    created_at = Timestamp()
    resolved_at = Timestamp(allow_none=True)
    resolved_by = fields.Str(allow_none=True)


IncidentPageSchema = page_of(IncidentSchema, "IncidentPage")


class IncidentsArgs(PagingArgs):
    status = fields.Str(load_default=INCIDENT_OPEN, validate=validate.OneOf([*INCIDENT_STATUSES, "all"]))


class RetrySchema(Schema):
    data = FreeObject(load_default=dict, metadata={"description": "data to set on the failed task before retrying"})
