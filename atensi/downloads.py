"""A stored document as an HTTP response, the same for the API and the pages: always an attachment,
of the type its content was found to be, never sniffed, never cached by a shared cache."""
from __future__ import annotations

from io import BytesIO

from flask import Response, send_file

from engine.casefile.documents import Download


def attachment(found: Download) -> Response:
    response = send_file(BytesIO(found.content), mimetype=found.document.media_type, as_attachment=True,
                         download_name=found.document.name, etag=found.document.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
