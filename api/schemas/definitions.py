"""Process definitions: deployed versions and deploying new ones."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import FileStorage

from .common import ROW_ID_RANGE, DeployProblemSchema, LaneRoles, Timestamp


class UploadedFile(Upload):
    """A file part of a multipart body (a plain text field of the same name is refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("must be an uploaded file")
        return value


class VersionSchema(Schema):
    key = fields.Str(required=True, attribute="process_key")
    version = fields.Int(required=True)
    name = fields.Str()
    note = fields.Str()
    deployed_by = fields.Str(allow_none=True)
    deployed_at = Timestamp()
    unit_id = fields.Int(allow_none=True, metadata={
        "description": "null: the national version (an admin's deploy); else the unit whose own version it is"})
    running_cases = fields.Int(required=True)


class DefinitionSchema(Schema):
    key = fields.Str(required=True)
    name = fields.Str()
    latest_version = fields.Int(required=True, metadata={
        "description": "the version the caller's new cases start on: their unit's newest, else the national newest"})
    versions = fields.List(fields.Nested(VersionSchema), required=True)


class DeploySchema(Schema):
    """multipart/form-data: the files, a note, and optionally which process key to deploy."""

    files = fields.List(UploadedFile(), required=True, validate=validate.Length(min=1, max=100),
                        metadata={"description": "BPMN, DMN and JSON Schema form files"})
    note = fields.Str(load_default="", validate=validate.Length(max=2000))
    process_key = fields.Str(load_default=None, validate=validate.Length(min=1, max=120),
                             metadata={"description": "which process to deploy when the files hold several"})
    lane_roles = LaneRoles()
    unit_id = fields.Int(load_default=None, validate=ROW_ID_RANGE, metadata={
        "description": "deploy this unit's own version (an admin for any unit; a supervisor only their own). "
                       "Without it an admin's deploy is the national version, a supervisor's their unit's"})


class DeployResultSchema(Schema):
    key = fields.Str(required=True)
    version = fields.Int(required=True)
    created = fields.Bool(required=True, metadata={"description": "false when identical files were deployed before"})
    warnings = fields.List(fields.Nested(DeployProblemSchema))
