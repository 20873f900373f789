"""The REST API: a thin Flask adapter over engine/. Build it with ``create_app(config=None)``.

Nothing here connects to a database or starts a thread at import time; ``create_app`` builds the
engine services for one app, and the database is first touched by the first request.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api

import web
from engine.config import Settings
from web import editor

from . import alerts, auth, auth_views, cases, definitions, errors, metrics, migrations, ops, people, redesign, tasks
from .context import KEY, Services
from .schemas.common import ProblemSchema

API_VERSION = "1.0.0"
BLUEPRINTS = (auth_views.blp, people.blp, cases.blp, tasks.blp, definitions.blp, alerts.blp, ops.blp,
              redesign.blp, migrations.blp)


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


class AtensiApi(Api):
    """flask-smorest's Api with RFC 7807 problem details as the documented and served error shape."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_responses(self):
        self.DEFAULT_RESPONSE_CONTENT_TYPE, json_type = errors.PROBLEM_JSON, self.DEFAULT_RESPONSE_CONTENT_TYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = json_type

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)


def default_config(settings: Settings) -> dict:
    return {
        "ATENSI_SETTINGS": settings,
        "SECRET_KEY": settings.secret_key,
        "API_TITLE": "ATENSI API",
        "API_VERSION": API_VERSION,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": ops.DOCS_ASSETS,
        "OPENAPI_SWAGGER_UI_CONFIG": {"persistAuthorization": True},
        "API_SPEC_OPTIONS": {
            "info": {"description": "Case management for ATENSI social rehabilitation (KP Napza). "
                                    "Log in at POST /api/v1/auth/login and send the token as "
                                    "`Authorization: Bearer <token>`. Errors are RFC 7807 problem details."},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                              "bearerFormat": "JWT"}}},
        },
        "LOGIN_RATE_LIMIT": "10/minute",  # failed logins per username and address
        "LOGIN_ADDRESS_RATE_LIMIT": "60/minute",  # failed logins per address
        # per process by default; with several gunicorn workers point it at Redis or Memcached
        "RATELIMIT_STORAGE_URI": os.environ.get("ATENSI_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }


def create_app(config: dict | None = None) -> Flask:
    """``config`` may hold ``ATENSI_SETTINGS`` (a Settings), or ``DATABASE_URL``/``SECRET_KEY``
    overrides of the environment's settings, and any Flask or flask-smorest key."""
    config = dict(config or {})
    settings = config.pop("ATENSI_SETTINGS", None) or Settings.from_env(**_overrides(config))
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.config.update(default_config(settings))
    app.config.update(config)
    app.extensions[KEY] = Services.build(settings)
    errors.init_app(app)
    auth.init_app(app)
    metrics.init_app(app, app.extensions[KEY].session_factory)
    api = AtensiApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(ops.assets)
    app.register_blueprint(editor.bp)
    web.init_app(app)  # the case managers' pages: cookie login, inbox, tasks, cases, dashboard
    return app


def _overrides(config: dict) -> dict:
    keys = {"DATABASE_URL": "database_url", "SECRET_KEY": "secret_key", "TOKEN_TTL_MINUTES": "token_ttl_minutes"}
    return {field: config[key] for key, field in keys.items() if key in config}
