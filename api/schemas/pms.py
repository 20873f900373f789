"""A PM record with their cases, and the merge of two records of one person."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import ROW_ID_RANGE, FreeObject, Timestamp


class PmCaseSchema(Schema):
    """One case of a PM; `visible` false: another unit's, shown as number, unit, stage and status only."""

    case_id = fields.Int(required=True)
    number = fields.Str(required=True, metadata={"example": "K-000123"})
    unit_id = fields.Int(required=True)
    unit_name = fields.Str(required=True)
    process_key = fields.Str(required=True)
    stage = fields.Str(allow_none=True)
    status = fields.Str(required=True)
    visible = fields.Bool(required=True, metadata={"description": "the caller may open the case"})


class PmMatchSchema(Schema):
    """A PM registered before who looks like the one being registered (in a 409's `matches`)."""

    pm_id = fields.Int(required=True)
    name = fields.Str(required=True)
    birth_date = fields.Str(allow_none=True)
    nik_last4 = fields.Str(allow_none=True)
    matched_by = fields.Str(required=True, metadata={"description": "nik or name_and_birth_date"})
    cases = fields.List(fields.Nested(PmCaseSchema), required=True)


class PmRecordSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    nik = fields.Str(allow_none=True)
    birth_date = fields.Str(allow_none=True)
    sex = fields.Str(allow_none=True)
    address = fields.Str()
    family_contact = fields.Str()
    guardian = FreeObject()
    created_by = fields.Str(allow_none=True)
    created_at = Timestamp()
    cases = fields.List(fields.Nested(PmCaseSchema), required=True)


class PmMergeSchema(Schema):
    into = fields.Int(required=True, validate=ROW_ID_RANGE, metadata={"description": "the PM record that stays"})
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class PmMergeResultSchema(Schema):
    pm_id = fields.Int(required=True)
    merged_pm_id = fields.Int(required=True)
    moved_case_ids = fields.List(fields.Int(), required=True)
