"""The case file: notes (catatan kasus) and documents of a case."""
from __future__ import annotations

from atensi.downloads import attachment
from atensi.services import services

from .auth import current_actor, require_login
from .definitions import FORM_AND_FILES, MultipartBlueprint
from .errors import ROW_ID
from .schemas.casefile import (
    DocumentSchema,
    DocumentUploadSchema,
    NoteCorrectionSchema,
    NoteCreateSchema,
    NoteSchema,
)

blp = MultipartBlueprint("casefile", __name__, url_prefix="/api/v1",
                         description="The case file: notes (catatan kasus) and documents")
blp.before_request(require_login)


@blp.get(f"/cases/<{ROW_ID}:case_id>/notes")
@blp.response(200, NoteSchema(many=True))
def list_notes(case_id):
    """The case's notes, oldest first (read in the access log)."""
    return services().casefile.notes.listed(case_id, current_actor())


@blp.post(f"/cases/<{ROW_ID}:case_id>/notes")
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
def add_note(body, case_id):
    """Add a note (workers of the case's unit and its supervisors); `corrects` names an earlier note."""
    return services().casefile.notes.add(case_id, body["text"], current_actor(), body["corrects"])


@blp.patch(f"/cases/<{ROW_ID}:case_id>/notes/<{ROW_ID}:note_id>")
@blp.arguments(NoteCorrectionSchema)
@blp.response(200, NoteSchema)
def correct_note(body, case_id, note_id):
    """Correct a note's text: its author only, within the correction window (409 after it: add a
    new note with `corrects` instead)."""
    return services().casefile.notes.correct(case_id, note_id, body["text"], current_actor())


@blp.get(f"/cases/<{ROW_ID}:case_id>/documents")
@blp.response(200, DocumentSchema(many=True))
def list_documents(case_id):
    """The case's documents (metadata and content hash)."""
    return services().casefile.documents.listed(case_id, current_actor())


@blp.post(f"/cases/<{ROW_ID}:case_id>/documents")
@blp.arguments(DocumentUploadSchema, location=FORM_AND_FILES)
@blp.response(201, DocumentSchema)
def upload_document(form, case_id):
    """Upload a PDF, JPEG or PNG. 413 over the size limit, 415 when the content is another type."""
    upload = form["file"]
    return services().casefile.documents.upload(case_id, form["kind"], upload.filename, upload.read(),
                                                 current_actor())


@blp.get(f"/cases/<{ROW_ID}:case_id>/documents/<{ROW_ID}:document_id>")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def download_document(case_id, document_id):
    """The document's content, always as an attachment (read in the access log)."""
    found = services().casefile.documents.download(case_id, document_id, current_actor())
    return attachment(found)

