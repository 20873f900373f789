"""The case file: notes (catatan kasus) and documents."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.casefile.notes import MAX_TEXT
from engine.vocabulary import DOCUMENT_KINDS

from .common import ROW_ID_RANGE, Timestamp
from .definitions import UploadedFile


class NoteCreateSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    corrects = fields.Int(load_default=None, allow_none=True, validate=ROW_ID_RANGE,
                          metadata={"description": "the id of an earlier note of the case this note corrects"})


class NoteCorrectionSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class NoteSchema(Schema):
    id = fields.Int(required=True)
    case_id = fields.Int(required=True)
    author = fields.Str(required=True)
    written_at = Timestamp(required=True)
    text = fields.Str(required=True)
    corrected_at = Timestamp(allow_none=True, metadata={"description": "when its author last changed it"})
    corrects_id = fields.Int(allow_none=True, metadata={"description": "the note this one corrects"})


class DocumentUploadSchema(Schema):
    """multipart/form-data: the file and what kind of document it is."""

    file = UploadedFile(required=True, metadata={"description": "a PDF, JPEG or PNG file (its content decides)"})
    kind = fields.Str(required=True, validate=validate.OneOf(DOCUMENT_KINDS))


class DocumentSchema(Schema):
    id = fields.Int(required=True)
    case_id = fields.Int(required=True)
    kind = fields.Str(required=True, metadata={"enum": list(DOCUMENT_KINDS)})
    name = fields.Str(required=True)
    media_type = fields.Str(required=True, metadata={"description": "found from the content"})
    size = fields.Int(required=True)
    sha256 = fields.Str(required=True)
    uploaded_by = fields.Str(required=True)
    uploaded_at = Timestamp(required=True)
