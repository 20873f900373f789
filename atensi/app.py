"""create_app: one Flask app with the JSON API (api/), the pages and the editor (web/)."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

import api
import web
from engine import instance_secret
from engine.cases import sandbox_pool
from engine.config import Settings
from engine.storage.models import MAX_INTEGER

from . import headers, limits
from .services import KEY, Services


class JSONProvider(DefaultJSONProvider):
    """ISO 8601 with offset for times (Flask's default is RFC 822); compact output."""

    compact = True
    sort_keys = False

    def loads(self, s, **kwargs):
        """Bad JSON is a 400 (Flask turns a ValueError into one), never a 500: nesting too deep for
        the parser, or a lone surrogate, which no database or response could encode."""
        try:
            value = super().loads(s, parse_constant=_no_constant, **kwargs)
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
        except UnicodeEncodeError:
            raise ValueError("the JSON holds a lone surrogate (U+D800 to U+DFFF), which is not text") from None
        return value

    @staticmethod
    def default(o):
        if isinstance(o, datetime | date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, UUID | set):
            return str(o) if isinstance(o, UUID) else sorted(o)
        return DefaultJSONProvider.default(o)


class DatabaseIntegerConverter(IntegerConverter):
    """Every ``<int:…>`` of a page's URL is a row id or a version number: one beyond the database's
    INTEGER names nothing, so it is a 404 rather than a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def _no_constant(name: str):
    """NaN and Infinity are not JSON (Python's parser takes them; stored, they would become null)."""
    raise ValueError(f"{name} is not a JSON number")


def _parse_json_first() -> None:
    """A JSON body goes through JSONProvider.loads before any view or webargs parser reads it (and
    is cached), so JSON too deep or with a lone surrogate is a 400 problem everywhere."""
    if request.is_json and request.content_length:
        try:
            request.get_json()
        except BadRequest as error:  # Flask hides the parser's reason outside debug mode: say it
            reason = error.__cause__.description if isinstance(error.__cause__, BadRequest) else error.description
            raise BadRequest(f"the request body is not valid JSON: {reason}") from None


def default_config(settings: Settings) -> dict:
    return {
        "ATENSI_SETTINGS": settings,
        "SECRET_KEY": settings.secret_key,
        **limits.config(),
        # above the document limit, so that a document too large is refused beside its field
        "MAX_CONTENT_LENGTH": max(20 * 1024 * 1024, settings.document_max_bytes + 1024 * 1024),
        "JSON_SORT_KEYS": False,
    }


def create_app(config: dict | None = None) -> Flask:
    """``config`` may hold ``ATENSI_SETTINGS`` (a Settings), or ``DATABASE_URL``/``SECRET_KEY``
    overrides of the environment's settings, and any Flask or flask-smorest key.

    Nothing connects to a database here; the database is first touched by the first request. The
    sandbox's worker processes start in the background (as gunicorn runs it, nothing else would).
    The built-in secret is refused (engine.instance_secret) unless ``TESTING`` or
    ``ATENSI_ENV=development``."""
    config = dict(config or {})
    settings = config.pop("ATENSI_SETTINGS", None) or Settings.from_env(**settings_overrides(config))
    # gunicorn 'atensi:create_app()' fails to boot rather than sign forgeable tokens
    instance_secret.refuse_builtin(settings.secret_key, settings.development or bool(config.get("TESTING")))
    app = Flask("atensi")
    app.url_map.converters["int"] = DatabaseIntegerConverter  # before any route is added
    app.json = JSONProvider(app)
    app.config.update(default_config(settings))
    app.config.update(config)
    app.extensions[KEY] = Services.build(settings)
    sandbox_pool.start(settings)
    limits.limiter.init_app(app)
    headers.init_app(app)  # CSP, nosniff, referrer, frame-ancestors on every response
    app.before_request(_parse_json_first)
    api.init_app(app)  # the JSON API under /api/v1, /healthz and /metrics
    web.init_app(app)  # the pages: cookie login, inbox, tasks, cases, dashboard, and the editor
    return app


def settings_overrides(config: dict) -> dict:
    keys = {"DATABASE_URL": "database_url", "SECRET_KEY": "secret_key", "TOKEN_TTL_MINUTES": "token_ttl_minutes"}
    return {field: config[key] for key, field in keys.items() if key in config}
