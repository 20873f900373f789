"""Every error is one JSON shape: RFC 7807 problem details, served as application/problem+json.

Engine errors map to statuses with the table the pages use too (atensi.http_status), so views never
catch them. Nothing reaches the
client as HTML or as a stack trace: an unexpected exception is logged and becomes a plain 500.
"""
from __future__ import annotations

import http
import logging
from dataclasses import asdict

from flask import Flask, Response, json, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from atensi.http_status import status_of
from engine.errors import DeployError, EngineError, InvalidInput
from engine.pms.duplicates import DuplicatePm
from engine.storage.models import MAX_INTEGER

PROBLEM_JSON = "application/problem+json"
# Path converter for row ids and version numbers: beyond a 32-bit integer nothing exists (a 404, not a
# database error), and the OpenAPI document says so.
ROW_ID = f"int(min=1, max={MAX_INTEGER})"
log = logging.getLogger("atensi.api")


def problem(status: int, detail: str | None = None, headers: dict | None = None, **extra) -> Response:
    """A problem+json response. ``extra`` carries ``fields`` (per-field messages) or ``problems``."""
    title = _title(status)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title,
            "instance": request.path if request else None}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _title(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    fields = flatten_messages(messages) if messages else None
    detail = data.get("message") or _detail_for(error, fields)
    headers = dict(data.get("headers") or {})
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="atensi"')
    retry_after = _retry_after(error)
    if retry_after:
        headers["Retry-After"] = retry_after
    return problem(error.code or 500, detail, headers, fields=fields)


def _detail_for(error: HTTPException, fields: dict | None) -> str:
    if fields and error.code == 400 and any("json" in m.lower() for ms in fields.values() for m in ms):
        return "the request body is not valid JSON"
    if fields:
        return "the request has invalid fields"
    if error.code == 429:
        return "too many requests; try again later"
    return error.description or _title(error.code or 500)


def _retry_after(error: HTTPException) -> str | None:
    limit = getattr(error, "limit", None)
    if error.code == 429 and limit is not None:
        try:
            return str(int(limit.limit.get_expiry()))
        except (AttributeError, TypeError):
            return None
    return None


def handle_engine_error(error: EngineError) -> Response:
    status = status_of(error)
    if isinstance(error, DeployError):
        return problem(status, "the process files are not valid",
                       problems=[p.to_dict() for p in error.problems],
                       unmapped_lanes=getattr(error, "unmapped_lanes", None) or None)
    if isinstance(error, InvalidInput):
        return problem(status, str(error), fields=error.fields or None)
    if isinstance(error, DuplicatePm):
        return problem(status, str(error), matches=[asdict(match) for match in error.matches],
                       confirm="repeat the request with pm_id (a new case of that PM) or confirm_new_case: true")
    return problem(status, str(error) or None)


def handle_data_error(error: DataError) -> Response:
    """The database refused a value no schema caught (a number out of range, a NUL byte in text)."""
    log.warning("database refused a value on %s %s: %s", request.method, request.path, error.orig)
    return problem(422, "a value is out of range or cannot be stored")


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unexpected error on %s %s", request.method, request.path)
    return problem(500, "an unexpected error occurred; it has been logged")


LOCATIONS = {"json", "query", "querystring", "form", "files", "form_and_files", "json_or_form", "path", "headers",
             "cookies", "view_args"}


def flatten_messages(messages) -> dict[str, list[str]]:
    """webargs/marshmallow nest errors by location and field; clients want ``{"pm.nik": [...]}``."""
    if isinstance(messages, dict) and messages and set(messages) <= LOCATIONS:
        flat: dict[str, list[str]] = {}
        for inner in messages.values():
            flat.update(_flatten(inner, ""))
        return flat
    return _flatten(messages, "")


def _flatten(messages, prefix: str) -> dict[str, list[str]]:
    if not isinstance(messages, dict):
        return {prefix or "body": _strings(messages)}
    flat: dict[str, list[str]] = {}
    for key, inner in messages.items():
        name = (prefix or "body") if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
        for field, texts in _flatten(inner, name).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def _strings(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def init_app(app: Flask) -> None:
    app.register_error_handler(EngineError, handle_engine_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
