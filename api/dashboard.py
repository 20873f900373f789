"""The dashboard's figures: a supervisor's own unit, or a koordinator wilayah's units of its region."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from atensi.services import services
from engine.read.dashboard import Dashboard

from .auth import current_actor, require_login
from .schemas.common import Timestamp

blp = Blueprint("dashboard", __name__, url_prefix="/api/v1",
                description="Dashboards: the own unit's, and a regional coordinator's units of the region")
blp.before_request(require_login)


class DashboardArgs(Schema):
    unit_id = fields.Int(load_default=None, validate=validate.Range(1, 2**31 - 1),
                         metadata={"description": "a unit of the caller's region; default own"})
    days = fields.Int(load_default=7, validate=validate.Range(1, 90))


class WorkerLoadSchema(Schema):
    assignee = fields.Str(allow_none=True)
    role = fields.Str(allow_none=True)
    overdue = fields.Int()


class DeadlineSchema(Schema):
    case_id = fields.Int()
    pm_name = fields.Str(metadata={"description": "empty for another unit's case"})
    stage = fields.Str(allow_none=True)
    due_at = Timestamp()
    kind = fields.Str()
    task_name = fields.Str(allow_none=True)
    assignee = fields.Str(allow_none=True)


class DashboardSchema(Schema):
    unit_id = fields.Int()
    by_stage = fields.Dict(keys=fields.Str(allow_none=True), values=fields.Int())
    by_risk = fields.Dict(keys=fields.Str(allow_none=True), values=fields.Int())
    overdue_by_worker = fields.List(fields.Nested(WorkerLoadSchema))
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    days = fields.Int()


class RegionUnitSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()


@blp.get("/dashboard")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardSchema)
def dashboard(args):
    """Live cases per stage and risk, overdue tasks per worker, deadlines in the next days. 403 for a
    unit outside the caller's region; a koordinator wilayah reads, and acts on no case."""
    return Dashboard(services().session_factory).summary(current_actor(), args["days"], args["unit_id"])


@blp.get("/dashboard/units")
@blp.response(200, RegionUnitSchema(many=True))
def region_units():
    """The units whose dashboards the caller reads."""
    return Dashboard(services().session_factory).region(current_actor())
