"""Alerts for the caller and their roles, and incidents for supervisors to retry."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.read.reading import Paging

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.alerts import (
    AlertPageSchema,
    AlertsArgs,
    AlertSchema,
    IncidentPageSchema,
    IncidentsArgs,
    IncidentSchema,
    RetrySchema,
)

blp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts and incidents")
blp.before_request(require_login)

ACKED = {"open": False, "acked": True, "all": None}


@blp.get("/alerts")
@blp.arguments(AlertsArgs, location="query")
@blp.response(200, AlertPageSchema)
def list_alerts(args):
    """Alerts addressed to the caller, and to the caller's roles in their unit."""
    paging = Paging(args["page"], args["per_page"])
    return services().queries.alerts(current_actor(), ACKED[args["state"]], paging)


@blp.post(f"/alerts/<{ROW_ID}:alert_id>/ack")
@blp.response(200, AlertSchema)
def acknowledge(alert_id):
    """Acknowledge an alert. 409 when it was acknowledged already."""
    return services().alerts.acknowledge(alert_id, current_actor())


@blp.get("/incidents")
@blp.arguments(IncidentsArgs, location="query")
@blp.response(200, IncidentPageSchema)
def list_incidents(args):
    """Failed scripts and expressions in the caller's unit (supervisor or admin)."""
    status = None if args["status"] == "all" else args["status"]
    return services().queries.incidents(current_actor(), status, Paging(args["page"], args["per_page"]))


@blp.post(f"/incidents/<{ROW_ID}:incident_id>/retry")
@blp.arguments(RetrySchema)
@blp.response(200, IncidentSchema)
def retry_incident(body, incident_id):
    """Run the failed step again, optionally with corrected data (supervisor or admin)."""
    actor, engine = current_actor(), services()
    engine.runtime.retry_incident(incident_id, actor, body["data"])
    return engine.queries.incident(actor, incident_id)
