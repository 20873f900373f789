"""Operations: GET /healthz (checks the database), GET /metrics (Prometheus), the docs page assets."""
from __future__ import annotations

import hmac
from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, render_template_string, request, send_from_directory, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from atensi.services import services
from engine.instance_secret import is_loopback

from .errors import problem

SWAGGER_UI = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "swagger-ui-dist"
DOCS_ASSETS = "/api/v1/docs/assets/"

# flask-smorest's Swagger UI page starts the UI from an inline script, which our CSP refuses: the
# same page with the start-up in a script file of its own.
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link href="{{ assets }}swagger-ui.css" rel="stylesheet" type="text/css"></head>
<body><div id="swagger-ui-container" data-spec-url="{{ spec_url }}"></div>
<script src="{{ assets }}swagger-ui-standalone-preset.js"></script>
<script src="{{ assets }}swagger-ui-bundle.js"></script>
<script src="{{ assets }}atensi-docs.js"></script></body></html>
"""
DOCS_START = """window.addEventListener('load', function () {
  var container = document.getElementById('swagger-ui-container');
  window.ui = SwaggerUIBundle({url: container.dataset.specUrl, dom_id: '#swagger-ui-container',
                               persistAuthorization: true});
});
"""

blp = Blueprint("ops", __name__, description="Health and metrics")
assets = FlaskBlueprint("docs_assets", __name__)


class HealthSchema(Schema):
    status = fields.Str(required=True, metadata={"example": "ok"})
    database = fields.Str(required=True, metadata={"example": "ok"})


@blp.get("/healthz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, description="the database does not answer")
@blp.doc(security=[])
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        with services().db.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        current_app.logger.warning("health check failed: %s", exc)
        return problem(503, "the database does not answer")
    return {"status": "ok", "database": "ok"}


@blp.get("/metrics")
@blp.response(200, {"type": "string"}, content_type="text/plain")
@blp.alt_response(401, description="ATENSI_METRICS_TOKEN is set and the bearer token is not it")
@blp.alt_response(404, description="ATENSI_METRICS_TOKEN is not set and the caller is not on loopback")
@blp.doc(security=[{"metricsToken": []}])
def metrics():
    """Prometheus text format, for the bearer token ATENSI_METRICS_TOKEN (or, without one, for
    callers on this machine only)."""
    refusal = _metrics_refusal()
    if refusal is not None:
        return refusal
    registry = current_app.extensions["atensi.metrics"].registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _metrics_refusal():
    expected = services().settings.metrics_token
    if expected is None:
        return None if is_loopback(request.remote_addr or "") else problem(404, "not found")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return problem(401, "GET /metrics needs the bearer token ATENSI_METRICS_TOKEN")
    return None


@assets.get(f"{DOCS_ASSETS}<path:filename>")
def docs_asset(filename):
    """Swagger UI, vendored: the docs page works with no internet access."""
    if filename == "atensi-docs.js":
        return Response(DOCS_START, mimetype="text/javascript")
    return send_from_directory(SWAGGER_UI, filename, max_age=3600)


def docs_page():
    """/api/v1/docs: Swagger UI without inline script (replaces flask-smorest's view)."""
    return render_template_string(DOCS_PAGE, title=current_app.config["API_TITLE"], assets=DOCS_ASSETS,
                                  spec_url=url_for("api-docs.openapi_json"))
