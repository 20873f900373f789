"""Redesigning a process from the editor: drafts, validation, diffs, scenario runs, deploys."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import ROW_ID_RANGE, DeployProblemSchema, FreeObject, LaneRoles, UnmappedLaneSchema
from .definitions import UploadedFile

FILE_NAME = validate.Regexp(r"^[\w.\-/ ]{1,200}$", error="a file name: letters, digits, . - _ / and spaces")


class DraftFiles(fields.Dict):
    """file name -> text content (BPMN XML, DMN XML, JSON Schema form, scenario JSON)."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.Str(validate=FILE_NAME), values=fields.Str(), **kwargs)


class DraftSchema(Schema):
    files = DraftFiles(load_default=dict, metadata={"description": "the edited files, by name"})
    process_key = fields.Str(load_default=None, validate=validate.Length(min=1, max=120))
    base_version = fields.Int(load_default=None, validate=ROW_ID_RANGE,
                              metadata={"description": "the version the draft started from (default: newest)"})
    lane_roles = LaneRoles()


class ValidateUploadSchema(Schema):
    """multipart/form-data: files as another tool saved them, and which process to check."""

    files = fields.List(UploadedFile(), required=True, validate=validate.Length(min=1, max=100))
    process_key = fields.Str(load_default=None, validate=validate.Length(min=1, max=120))
    base_version = fields.Int(load_default=None, validate=ROW_ID_RANGE)
    lane_roles = LaneRoles()


class UnpackSchema(Schema):
    """multipart/form-data: BPMN, DMN and form files, or one zip holding them."""

    files = fields.List(UploadedFile(), required=True, validate=validate.Length(min=1, max=100))


class UnpackedFileSchema(Schema):
    name = fields.Str(required=True)
    kind = fields.Str(required=True, metadata={"description": "bpmn | dmn | form | scenario"})
    text = fields.Str(required=True)


class ValidationSchema(Schema):
    valid = fields.Bool(required=True)
    process_key = fields.Str(allow_none=True)
    problems = fields.List(fields.Nested(DeployProblemSchema), required=True)
    warnings = fields.List(fields.Nested(DeployProblemSchema), required=True)
    unmapped_lanes = fields.List(fields.Nested(UnmappedLaneSchema), required=True, metadata={
        "description": "lanes that are not roles and need one: send lane_roles"})


class FileInfoSchema(Schema):
    name = fields.Str(required=True)
    kind = fields.Str(required=True, metadata={"description": "bpmn | dmn | form | scenario"})
    size = fields.Int(required=True)


class DiffArgs(Schema):
    from_ = fields.Int(required=True, data_key="from", validate=ROW_ID_RANGE)
    to = fields.Int(required=True, validate=ROW_ID_RANGE)


class FieldChangeSchema(Schema):
    field = fields.Str(required=True)
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class ElementChangeSchema(Schema):
    element_id = fields.Str(required=True)
    type = fields.Str(required=True)
    name = fields.Str(allow_none=True)
    changes = fields.List(fields.Nested(FieldChangeSchema))


class DiffSchema(Schema):
    added = fields.List(fields.Nested(ElementChangeSchema), required=True)
    removed = fields.List(fields.Nested(ElementChangeSchema), required=True)
    changed = fields.List(fields.Nested(ElementChangeSchema), required=True)
    files = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()))


class ScenarioResultSchema(Schema):
    file = fields.Str(required=True)
    name = fields.Str(required=True)
    passed = fields.Bool(required=True)
    steps_run = fields.Int()
    simulated_days = fields.Float()
    elapsed_ms = fields.Float()
    failure = FreeObject(allow_none=True, metadata={"description": "{step, message} of the first failing step"})


class ScenarioRunSchema(Schema):
    process_key = fields.Str(allow_none=True)
    passed = fields.Bool(required=True)
    elapsed_ms = fields.Float()
    results = fields.List(fields.Nested(ScenarioResultSchema), required=True)
    problems = fields.List(fields.Nested(DeployProblemSchema), required=True)


class EditorDeploySchema(DraftSchema):
    note = fields.Str(load_default="", validate=validate.Length(max=2000))
    override_scenarios = fields.Bool(load_default=False, metadata={
        "description": "deploy even though scenarios fail (recorded in the version's note)"})


class EditorDeployResultSchema(Schema):
    key = fields.Str(required=True)
    version = fields.Int(required=True)
    created = fields.Bool(required=True)
    note = fields.Str()
    scenarios_overridden = fields.Bool(required=True)
    scenarios = fields.Nested(ScenarioRunSchema, required=True)
    warnings = fields.List(fields.Nested(DeployProblemSchema))


class MigrationRequestSchema(Schema):
    process_key = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    to_version = fields.Int(load_default=None, validate=ROW_ID_RANGE,
                            metadata={"description": "default: the newest version"})
    from_version = fields.Int(load_default=None, validate=ROW_ID_RANGE,
                              metadata={"description": "default: every other version"})
    case_ids = fields.List(fields.Int(validate=ROW_ID_RANGE), load_default=None, validate=validate.Length(max=10_000))


class ReasonSchema(Schema):
    element_id = fields.Str(allow_none=True)
    message = fields.Str(required=True)


class CaseMoveSchema(Schema):
    case_id = fields.Int(required=True)
    pm_name = fields.Str()
    from_version = fields.Int()
    to_version = fields.Int()
    open_tasks = fields.List(fields.Str())
    status = fields.Str(required=True, metadata={"description": "movable | blocked | migrated | failed | undone"})
    can_move = fields.Bool(required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)


class MigrationReportSchema(Schema):
    migration_id = fields.Str(required=True)
    process_key = fields.Str(required=True)
    to_version = fields.Int(required=True)
    dry_run = fields.Bool(required=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    cases = fields.List(fields.Nested(CaseMoveSchema), required=True)
