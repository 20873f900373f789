"""UU PDP: consents, the record of processing and the subject-access report."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import ROW_ID_RANGE, FreeObject, Timestamp

PARTIES = ("pm", "wali")
NIK = validate.Regexp(r"^\d{16}$", error="NIK must be exactly 16 digits")


class ConsentCreateSchema(Schema):
    party = fields.Str(required=True, validate=validate.OneOf(PARTIES),
                       metadata={"description": "pm, or wali (the guardian, required too for a child)"})
    given_by = fields.Str(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "the name of whoever consented"})
    given_on = fields.Date(required=True, metadata={"description": "the date the consent was given"})
    scope = fields.List(fields.Str(validate=validate.Length(min=1, max=100)), required=True,
                        validate=validate.Length(min=1, max=20),
                        metadata={"example": ["asesmen", "intervensi", "berbagi_data_dengan_bnn"]})


class ConsentSchema(Schema):
    id = fields.Int(required=True)
    case_id = fields.Int(required=True)
    party = fields.Str(required=True)
    given_by = fields.Str(required=True)
    given_on = fields.Str(required=True)
    scope = fields.List(fields.Str(), required=True)
    recorded_by = fields.Str(required=True)
    recorded_at = Timestamp(required=True)
    withdrawn_at = Timestamp(allow_none=True)
    withdrawn_by = fields.Str(allow_none=True)
    withdrawal_reason = fields.Str(allow_none=True)


class ConsentStatusSchema(Schema):
    case_id = fields.Int(required=True)
    status = fields.Str(required=True, metadata={"description": "suspended while consent is withdrawn"})
    required = fields.List(fields.Str(), required=True, metadata={"description": "pm; and wali for a child"})
    missing = fields.List(fields.Str(), required=True)
    consents = fields.List(fields.Nested(ConsentSchema), required=True)


class ConsentReasonSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class AccessLogArgs(Schema):
    nik = fields.Str(validate=NIK, metadata={"description": "the PM: every case with this NIK"})
    case_id = fields.Int(validate=ROW_ID_RANGE)
    actor = fields.Str(validate=validate.Length(min=1, max=80), metadata={"description": "a username"})
    since = fields.AwareDateTime(format="iso", default_timezone=None,
                                 metadata={"description": "from this moment (ISO 8601 with offset)"})
    until = fields.AwareDateTime(format="iso", default_timezone=None,
                                 metadata={"description": "before this moment (ISO 8601 with offset)"})
    limit = fields.Int(load_default=200, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, max=1_000_000_000))


class AccessLogEntrySchema(Schema):
    id = fields.Int(required=True)
    at = Timestamp(required=True)
    actor = fields.Str(required=True)
    action = fields.Str(required=True, metadata={"description": "read | change | export | anonymise"})
    object_type = fields.Str(required=True, metadata={"description": "case | task | history | export | subject"})
    object_id = fields.Str(allow_none=True)
    case_id = fields.Int(allow_none=True)
    unit_id = fields.Int(allow_none=True)
    detail = fields.Str()


class SubjectAccessArgs(Schema):
    nik = fields.Str(required=True, validate=NIK)


class SubjectAccessSchema(Schema):
    nik = fields.Str(required=True)
    produced_at = Timestamp(required=True)
    produced_by = fields.Str(required=True)
    pm_records = fields.List(FreeObject(), metadata={"description": "the PM records holding this NIK"})
    cases = fields.List(FreeObject(), required=True,
                        metadata={"description": "each case with its profile, workflow data, history, tasks, "
                                                 "consents, incidents and alerts"})
    access_log = fields.List(FreeObject(), required=True)
