"""Transfers and referrals between units."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.vocabulary import HANDOVER_STATUSES, REFERRAL_ANSWERS, REFERRAL_SERVICES, TRANSFER_ANSWERS

from .common import Timestamp

ROW_ID_RANGE = validate.Range(1, 2**31 - 1)  # a row id: beyond it PostgreSQL's integer overflows


class TransferCreateSchema(Schema):
    to_unit_id = fields.Int(required=True, validate=ROW_ID_RANGE, metadata={"description": "the receiving unit"})
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    consent_given_by = fields.Str(required=True, validate=validate.Length(min=1, max=200),
                                  metadata={"description": "who gave the PM's consent to the move (PM or wali)"})
    consent_given_on = fields.Date(required=True)


class ReferralCreateSchema(Schema):
    service = fields.Str(required=True, validate=validate.OneOf(REFERRAL_SERVICES))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    to_unit_id = fields.Int(load_default=None, allow_none=True, validate=ROW_ID_RANGE,
                            metadata={"description": "a unit in ATENSI; or give to_institution"})
    to_institution = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200),
                                metadata={"description": "an outside institution, by name"})


class HandoverAnswerSchema(Schema):
    answer = fields.Str(required=True, validate=validate.OneOf(sorted({*TRANSFER_ANSWERS, *REFERRAL_ANSWERS})),
                        metadata={"description": "a transfer: accepted | rejected; a referral: accepted | done | "
                                                 "refused (accepted may later become done)"})
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                      metadata={"description": "required when rejecting or refusing"})


class HandoverSchema(Schema):
    """What the receiving unit sees of a case: the PM's name, the service and the reason, never the record."""

    id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"description": "transfer | referral"})
    case_id = fields.Int(required=True)
    pm_name = fields.Str(required=True)
    from_unit_id = fields.Int(required=True)
    from_unit = fields.Str(allow_none=True)
    to_unit_id = fields.Int(allow_none=True)
    to_unit = fields.Str(allow_none=True)
    to_institution = fields.Str(allow_none=True)
    service = fields.Str(allow_none=True)
    reason = fields.Str(required=True)
    consent_given_by = fields.Str(allow_none=True)
    consent_given_on = fields.Str(allow_none=True)
    status = fields.Str(required=True, validate=validate.OneOf(HANDOVER_STATUSES))
    requested_by = fields.Str(required=True)
    requested_at = Timestamp(required=True)
    due_at = Timestamp(allow_none=True)
    overdue = fields.Bool(required=True)
    answered_by = fields.Str(allow_none=True)
    answered_at = Timestamp(allow_none=True)
    answer_note = fields.Str(allow_none=True)
    can_answer = fields.Bool()


class HandoverListArgs(Schema):
    open_only = fields.Bool(load_default=True, metadata={"description": "only those still waiting for an answer"})
