"""create_app: one Flask app with the JSON API (api/), the pages and the editor (web/)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.json.provider import DefaultJSONProvider

import api
import web
from engine import instance_secret
from engine.config import Settings

from . import headers, limits
from .services import KEY, Services


class JSONProvider(DefaultJSONProvider):
    """ISO 8601 with offset for times (Flask's default is RFC 822); compact output."""

    compact = True
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, datetime | date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, UUID | set):
            return str(o) if isinstance(o, UUID) else sorted(o)
        return DefaultJSONProvider.default(o)


def default_config(settings: Settings) -> dict:
    return {
        "ATENSI_SETTINGS": settings,
        "SECRET_KEY": settings.secret_key,
        **limits.config(),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }


def create_app(config: dict | None = None) -> Flask:
    """``config`` may hold ``ATENSI_SETTINGS`` (a Settings), or ``DATABASE_URL``/``SECRET_KEY``
    overrides of the environment's settings, and any Flask or flask-smorest key.

    Nothing connects to a database or starts a thread here; the database is first touched by the
    first request. The built-in secret is refused (engine.instance_secret) unless ``TESTING`` or
    ``ATENSI_ENV=development``."""
    config = dict(config or {})
    settings = config.pop("ATENSI_SETTINGS", None) or Settings.from_env(**settings_overrides(config))
    # gunicorn 'atensi:create_app()' fails to boot rather than sign forgeable tokens
    instance_secret.refuse_builtin(settings.secret_key, settings.development or bool(config.get("TESTING")))
    app = Flask("atensi")
    app.json = JSONProvider(app)
    app.config.update(default_config(settings))
    app.config.update(config)
    app.extensions[KEY] = Services.build(settings)
    limits.limiter.init_app(app)
    headers.init_app(app)  # CSP, nosniff, referrer, frame-ancestors on every response
    api.init_app(app)  # the JSON API under /api/v1, /healthz and /metrics
    web.init_app(app)  # the pages: cookie login, inbox, tasks, cases, dashboard, and the editor
    return app


def settings_overrides(config: dict) -> dict:
    keys = {"DATABASE_URL": "database_url", "SECRET_KEY": "secret_key", "TOKEN_TTL_MINUTES": "token_ttl_minutes"}
    return {field: config[key] for key, field in keys.items() if key in config}
