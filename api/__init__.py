"""The REST API: a thin Flask adapter over engine/, mounted on the app by atensi.create_app with
``api.init_app(app)``. Nothing here connects to a database or starts a thread at import time."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from atensi.services import KEY

from . import (
    alerts,
    auth_views,
    casefile,
    cases,
    dashboard,
    definitions,
    errors,
    handovers,
    metrics,
    migrations,
    ops,
    people,
    pms,
    privacy,
    redesign,
    reports,
    tasks,
)
from .schemas.common import ProblemSchema

API_VERSION = "1.0.0"
BLUEPRINTS = (auth_views.blp, people.blp, cases.blp, tasks.blp, definitions.blp, alerts.blp, ops.blp,
              redesign.blp, migrations.blp, privacy.blp, casefile.blp, handovers.blp,
              dashboard.blp, pms.blp, reports.blp)


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


CONFIG = {
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
                                                          "bearerFormat": "JWT"},
                                          "metricsToken": {"type": "http", "scheme": "bearer",
                                                           "description": "ATENSI_METRICS_TOKEN"}}},
    },
}


def init_app(app: Flask) -> None:
    for key, value in CONFIG.items():
        app.config.setdefault(key, value)
    errors.init_app(app)
    metrics.init_app(app, app.extensions[KEY].session_factory)
    api = AtensiApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(ops.assets)
    app.view_functions["api-docs.openapi_swagger_ui"] = ops.docs_page
