"""The case file on the case page: notes (catatan kasus) and documents (upload, download)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext

from atensi.downloads import attachment
from atensi.http_status import status_of
from atensi.services import services
from engine.casefile.documents import size_text
from engine.errors import Conflict, InvalidInput, TooLarge, UnsupportedType

from .cases import render_case_page
from .numbers import row_id
from .pages import current_actor, page_blueprint

bp = page_blueprint("web_casefile", __name__)


def _case_page(case_id: int, anchor: str):
    return redirect(url_for("web_cases.case_page", case_id=case_id, _anchor=anchor))


@bp.post("/cases/<int:case_id>/notes")
def add_note(case_id):
    corrects = request.form.get("corrects", type=row_id)
    try:
        services().casefile.notes.add(case_id, request.form.get("text", ""), current_actor(), corrects)
    except InvalidInput:
        return render_case_page(case_id, 422, note_error=gettext("Write the note (at most 5000 characters)."),
                                note_text=request.form.get("text", "")[:5000])
    flash(gettext("Note added to the case."), "success")
    return _case_page(case_id, "history")


@bp.post("/cases/<int:case_id>/notes/<int:note_id>")
def correct_note(case_id, note_id):
    try:
        services().casefile.notes.correct(case_id, note_id, request.form.get("text", ""), current_actor())
    except InvalidInput:
        flash(gettext("Write the note (at most 5000 characters)."), "error")
        return _case_page(case_id, f"note-{note_id}")
    except Conflict:
        flash(gettext("This note can no longer be changed. Write a new note that corrects it."), "error")
        return _case_page(case_id, f"note-{note_id}")
    flash(gettext("Note corrected."), "success")
    return _case_page(case_id, f"note-{note_id}")


@bp.post("/cases/<int:case_id>/documents")
def upload_document(case_id):
    upload = request.files.get("file")
    kind = request.form.get("kind", "")
    documents = services().casefile.documents
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("no file", {"file": []})
        documents.upload(case_id, kind, upload.filename, upload.read(documents.max_bytes + 1), current_actor())
    except InvalidInput as refused:
        return render_case_page(case_id, status_of(refused), upload_errors=_upload_errors(refused, documents),
                                upload_kind=kind)
    flash(gettext("Document uploaded."), "success")
    return _case_page(case_id, "documents")


def _upload_errors(refused: InvalidInput, documents) -> dict[str, str]:
    """What to say beside each field, in the page's language."""
    if isinstance(refused, TooLarge):
        return {"file": gettext("The file is too large: at most %(size)s.", size=size_text(documents.max_bytes))}
    if isinstance(refused, UnsupportedType):
        return {"file": gettext("Only PDF, JPEG or PNG files: this file's content is another type.")}
    if "kind" in refused.fields:
        return {"kind": gettext("Choose what kind of document this is.")}
    return {"file": gettext("Choose a PDF, JPEG or PNG file.")}


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
def download_document(case_id, document_id):
    return attachment(services().casefile.documents.download(case_id, document_id, current_actor()))
