"""Schemas every resource uses: problem details, paging and the page envelope."""
from __future__ import annotations

import json

from marshmallow import Schema, ValidationError, fields, validate

from engine.read.reading import MAX_PAGE, MAX_PER_PAGE
from engine.storage.models import MAX_INTEGER
from engine.vocabulary import ROLES

# row ids and version numbers: anything beyond the database's INTEGER is refused here, not by the database
ROW_ID_RANGE = validate.Range(min=1, max=MAX_INTEGER)


class Timestamp(fields.DateTime):
    """ISO 8601 with offset, always."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)


class FieldProblems(fields.Dict):
    def __init__(self, **kwargs):
        super().__init__(keys=fields.Str(), values=fields.List(fields.Str()), **kwargs)


class DeployProblemSchema(Schema):
    file = fields.Str(allow_none=True)
    element_id = fields.Str(allow_none=True)
    line = fields.Int(allow_none=True)
    message = fields.Str(required=True)


class UnmappedLaneSchema(Schema):
    file = fields.Str(allow_none=True)
    element_id = fields.Str(allow_none=True)
    name = fields.Str(allow_none=True)


class LaneRoles(fields.Dict):
    """lane id or name -> role; in a multipart body, the same as one JSON text field."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.Str(validate=validate.Length(min=1, max=200)),
                         values=fields.Str(validate=validate.OneOf(ROLES)), load_default=None,
                         validate=validate.Length(max=100), metadata={"description": (
                             "maps lanes that are not roles (by lane id or name) to a role; remembered in "
                             "the diagram as the lane's role property"), "example": {"Sales": "pekerja_sosial"}},
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ValidationError("must be a JSON object: lane -> role") from exc
        return super()._deserialize(value, attr, data, **kwargs)


class ProblemSchema(Schema):
    """RFC 7807 problem details."""

    type = fields.Str(metadata={"example": "about:blank"})
    title = fields.Str(metadata={"example": "Conflict"})
    status = fields.Int(metadata={"example": 409})
    detail = fields.Str(metadata={"example": "task is no longer available"})
    instance = fields.Str(allow_none=True)
    fields_ = FieldProblems(data_key="fields", metadata={"description": "one list of messages per field"})
    problems = fields.List(fields.Nested(DeployProblemSchema),
                           metadata={"description": "what is wrong with deployed files"})
    unmapped_lanes = fields.List(fields.Nested(UnmappedLaneSchema),
                                 metadata={"description": "lanes that need a role (send lane_roles)"})


class PagingArgs(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    total = fields.Int(required=True)
    total_exact = fields.Bool(dump_default=True, metadata={
        "description": "false when more than `total` match: a search by name counts up to 1,000"})
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page envelope schema: {items, total, page, per_page}."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)})


class FreeObject(fields.Dict):
    """A JSON object of any shape (form data, workflow data, payloads)."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.Str(), **kwargs)
