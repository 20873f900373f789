"""Registering a PM, the case lists and pages, history, diagram progress and messages."""
from __future__ import annotations

from datetime import date

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from engine.cases import registration
from engine.cases.numbers import case_number
from engine.vocabulary import CASE_STATUSES, INTAKE, RISK_LEVELS

from .alerts import AlertSchema, IncidentSchema
from .common import ROW_ID_RANGE, FreeObject, PagingArgs, Timestamp, page_of
from .pms import PmCaseSchema
from .tasks import TaskSchema, is_child

NIK = validate.Regexp(registration.NIK.pattern, error="NIK must be exactly 16 digits")


def not_in_future(value: date) -> None:
    """The engine's birth-date rule (engine.cases.registration), in the API's words."""
    problem = registration.birth_date_problem(value)
    if problem:
        raise ValidationError(registration.MESSAGES[problem])


class PmSchema(Schema):
    """The PM (penerima manfaat) as registered at identifikasi."""

    nama = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    nik = fields.Str(required=True, validate=NIK, metadata={"example": "3171011501900001"})
    tanggal_lahir = fields.Date(required=True, validate=not_in_future,
                                metadata={"description": "from it the case derives anak (< 18) or dewasa"})
    jenis_kelamin = fields.Str(required=True, validate=validate.OneOf(registration.SEXES))
    alamat = fields.Str(load_default="", validate=validate.Length(max=500))
    sumber_rujukan = fields.Str(load_default="mandiri", validate=validate.Length(min=1, max=60),
                                metadata={"example": "keluarga",
                                          "description": "keluarga, bnn, kepolisian, pengadilan, "
                                                         "layanan_kesehatan, mandiri, penjangkauan"})
    kontak_keluarga = fields.Str(load_default="", validate=validate.Length(max=200))


class EmergencyPmSchema(PmSchema):
    """An emergency referral may not know the NIK or the date of birth yet."""

    nik = fields.Str(load_default=None, allow_none=True, validate=NIK)
    tanggal_lahir = fields.Date(load_default=None, allow_none=True, validate=not_in_future)
    jenis_kelamin = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(registration.SEXES))


class CaseCreateSchema(Schema):
    process = fields.Str(load_default=INTAKE, validate=validate.Length(min=1, max=120),
                         metadata={"description": "the process key to start; default the ATENSI intake"})
    unit_id = fields.Int(required=True, validate=ROW_ID_RANGE)
    pm = fields.Nested(PmSchema, required=True)
    data = FreeObject(load_default=dict, metadata={"description": "further registration data for the workflow"})
    pm_id = fields.Int(load_default=None, allow_none=True, validate=ROW_ID_RANGE,
                       metadata={"description": "a new case of this PM (one of the matches of a 409)"})
    confirm_new_case = fields.Bool(load_default=False, metadata={
        "description": "register a new PM although the NIK or name and birth date match one (409 otherwise)"})



class CaseResponseCreateSchema(Schema):
    unit_id = fields.Int(required=True, validate=ROW_ID_RANGE)
    pm = fields.Nested(EmergencyPmSchema, required=True)
    uraian = fields.Str(required=True, validate=validate.Length(min=1, max=5000),
                        metadata={"description": "what happened: the emergency being referred"})
    data = FreeObject(load_default=dict)
    pm_id = fields.Int(load_default=None, allow_none=True, validate=ROW_ID_RANGE,
                       metadata={"description": "the emergency is of this PM (one of the matches of a 409)"})
    confirm_new_case = fields.Bool(load_default=False, metadata={
        "description": "a new PM although the NIK or name and birth date match one (409 otherwise)"})



def _number(case) -> str | None:
    return case_number(case.get("id") if isinstance(case, dict) else case.id)


class CaseSchema(Schema):
    id = fields.Int(required=True)
    number = fields.Function(_number, dump_only=True, metadata={"type": "string", "example": "K-000123"})
    pm_id = fields.Int(allow_none=True, metadata={"description": "the PM record (GET /pms/{pm_id})"})
    process_key = fields.Str(required=True)
    parent_case_id = fields.Int(allow_none=True)
    unit_id = fields.Int(required=True)
    pm_name = fields.Str()
    pm_nik = fields.Str(allow_none=True)
    pm_birth_date = fields.Str(allow_none=True)
    kategori_usia = fields.Str(allow_none=True, metadata={"description": "anak or dewasa"})
    anak = fields.Function(is_child, dump_only=True,
                           metadata={"type": "boolean", "description": "a child: needs a guardian's consent"})
    risk_level = fields.Str(allow_none=True)
    stage = fields.Str(allow_none=True)
    status = fields.Str(required=True)
    next_timer_at = Timestamp(allow_none=True)
    created_by = fields.Str(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()
    completed_at = Timestamp(allow_none=True)


class CaseDetailSchema(CaseSchema):
    version = fields.Int()
    profile = FreeObject()
    open_tasks = fields.List(fields.Nested(TaskSchema))
    incidents = fields.List(fields.Nested(IncidentSchema))
    alerts = fields.List(fields.Nested(AlertSchema))
    child_case_ids = fields.List(fields.Int())
    pm_cases = fields.List(fields.Nested(PmCaseSchema), metadata={
        "description": "the PM's other cases; another unit's as number, unit, stage and status only"})


CasePageSchema = page_of(CaseSchema, "CasePage")


class CasesArgs(PagingArgs):
    stage = fields.Str(validate=validate.Length(max=60))
    status = fields.Str(validate=validate.OneOf(CASE_STATUSES))
    risk = fields.Str(validate=validate.OneOf(RISK_LEVELS))
    unit_id = fields.Int(validate=ROW_ID_RANGE)
    process = fields.Str(validate=validate.Length(max=120))
    overdue = fields.Bool(metadata={"description": "has an open task past its due time"})
    q = fields.Str(validate=validate.Length(min=1, max=200), metadata={"description": "name or NIK"})


class HistoryEventSchema(Schema):
    id = fields.Int(required=True)
    at = Timestamp(required=True)
    actor = fields.Str(required=True)
    kind = fields.Str(required=True)
    element_id = fields.Str(allow_none=True)
    task_id = fields.Str(allow_none=True)
    message = fields.Str()
    data = FreeObject()


class DiagramSchema(Schema):
    case_id = fields.Int(required=True)
    process_key = fields.Str(required=True)
    version = fields.Int(required=True)
    xml = fields.Str(required=True, metadata={"description": "the BPMN 2.0 XML of the case's version"})
    completed = fields.List(fields.Str(), required=True)
    active = fields.List(fields.Str(), required=True)
    waiting = fields.List(fields.Str(), required=True)


class ActionSchema(Schema):
    message = fields.Str(required=True, metadata={"example": "usulan_terminasi"})
    element_id = fields.Str(required=True, metadata={"description": "the catching element of the diagram"})
    label = fields.Str(required=True, metadata={"example": "Usulkan terminasi"})
    form = fields.Str(allow_none=True, metadata={"description": "the form file the payload must match, if any"})
    schema = FreeObject(allow_none=True, metadata={"description": "that form's JSON Schema"})


class ActionPayloadSchema(Schema):
    """The action's payload: the fields of its form, checked by the engine against that form."""

    class Meta:
        unknown = INCLUDE


class MessageSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "krisis"})
    payload = FreeObject(load_default=dict, metadata={"example": {"uraian": "PM overdosis"}})
