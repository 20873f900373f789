"""The inbox: tasks, their filters, forms and the actions on them."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.cases.numbers import case_number
from engine.read.inbox import TASK_SORTS
from engine.vocabulary import ROLES, TASK_OPEN, TASK_STATUSES

from .common import ROW_ID_RANGE, FreeObject, PagingArgs, Timestamp, page_of

TASK_FILTER_STATUSES = (*TASK_STATUSES, "any")


def _value(obj, name: str):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def number_of_case(obj) -> str | None:
    """The case number (engine.cases.numbers) of a row that holds a case_id."""
    return case_number(_value(obj, "case_id"))


def is_child(obj) -> bool:
    value = obj.get("kategori_usia") if isinstance(obj, dict) else getattr(obj, "kategori_usia", None)
    return value == "anak"


class TaskSchema(Schema):
    id = fields.Str(required=True)
    case_id = fields.Int(required=True)
    case_number = fields.Function(number_of_case, dump_only=True, metadata={"type": "string", "example": "K-000123"})
    process_key = fields.Str()
    element_id = fields.Str()
    name = fields.Str()
    stage = fields.Str(allow_none=True)
    role = fields.Str(allow_none=True)
    assignee = fields.Str(allow_none=True)
    status = fields.Str()
    priority = fields.Int(metadata={"description": "1 is the most urgent"})
    form = fields.Str(allow_none=True)
    due_at = Timestamp(allow_none=True)
    overdue = fields.Bool()
    created_at = Timestamp()
    completed_at = Timestamp(allow_none=True)
    completed_by = fields.Str(allow_none=True)
    pm_name = fields.Str(allow_none=True)
    pm_nik = fields.Str(allow_none=True)
    kategori_usia = fields.Str(allow_none=True)
    anak = fields.Function(is_child, dump_only=True, metadata={"type": "boolean"})
    risk_level = fields.Str(allow_none=True)


class ShownSchema(Schema):
    path = fields.Str(metadata={"description": "data path, e.g. tujuan or asesmen.ringkasan"})
    label = fields.Str(allow_none=True, metadata={"description": "the form's title of the field"})
    value = fields.Raw(metadata={"description": "the stored value"})
    text = fields.Raw(metadata={"description": "the value with enum values as their titles"})


class TaskDetailSchema(TaskSchema):
    form_schema = FreeObject(allow_none=True, metadata={"description": "the task's JSON Schema form"})
    data = FreeObject(metadata={"description": "the task's current data (what it was completed with, once done)"})
    shows = fields.List(fields.Nested(ShownSchema), metadata={
        "description": "case data the task shows read-only beside its form (its `shows` property), in full"})
    banner = fields.Nested(ShownSchema, allow_none=True, metadata={
        "description": "the data its `banner` property names, shown at the top (e.g. a returned plan's note)"})


TaskPageSchema = page_of(TaskSchema, "TaskPage")


class InboxArgs(PagingArgs):
    assignee = fields.Str(validate=validate.Length(min=1, max=80), metadata={"description": "me, or a username"})
    role = fields.Str(validate=validate.OneOf(ROLES))
    unassigned = fields.Bool()
    status = fields.Str(load_default=TASK_OPEN, validate=validate.OneOf(TASK_FILTER_STATUSES))
    case = fields.Int(validate=ROW_ID_RANGE)
    process = fields.Str(validate=validate.Length(min=1, max=120))
    stage = fields.Str(validate=validate.Length(min=1, max=60))
    due_before = fields.AwareDateTime(format="iso", default_timezone=None)
    due_after = fields.AwareDateTime(format="iso", default_timezone=None)
    overdue = fields.Bool()
    sort = fields.Str(load_default="due", validate=validate.OneOf(list(TASK_SORTS)))


class AssignSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=80))


class CompleteSchema(Schema):
    data = FreeObject(required=True, metadata={"description": "the form data, checked against the JSON Schema"})


class ReassignSchema(Schema):
    """An absent worker's open tasks, handed over at once."""

    to = fields.List(fields.Str(validate=validate.Length(min=1, max=80)), load_default=list,
                     validate=validate.Length(max=100),
                     metadata={"description": "one user: all to them; several: in turn (round-robin); none: "
                                              "in turn over everyone active of the unit who works on tasks"})
    dry_run = fields.Bool(load_default=True, metadata={"description": "true (the default): only the preview"})


class MoveSchema(Schema):
    task_id = fields.Str()
    case_id = fields.Int()
    case_number = fields.Str()
    task = fields.Str()
    role = fields.Str(allow_none=True)
    to = fields.Str(allow_none=True, metadata={"description": "null: back to the role's queue (nobody named "
                                                              "may hold the task)"})


class ReassignResultSchema(Schema):
    absent = fields.Str(data_key="from")
    applied = fields.Bool()
    moves = fields.List(fields.Nested(MoveSchema))
