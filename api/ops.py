"""Operations: GET /healthz (checks the database), GET /metrics (Prometheus), the docs page assets."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, send_from_directory
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from atensi.services import services

from .errors import problem

SWAGGER_UI = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "swagger-ui-dist"
DOCS_ASSETS = "/api/v1/docs/assets/"

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
@blp.doc(security=[])
def metrics():
    """Prometheus text format."""
    registry = current_app.extensions["atensi.metrics"].registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@assets.get(f"{DOCS_ASSETS}<path:filename>")
def docs_asset(filename):
    """Swagger UI, vendored: the docs page works with no internet access."""
    return send_from_directory(SWAGGER_UI, filename, max_age=3600)
