"""The monthly laporan kegiatan of a unit, as JSON, CSV or XLSX."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from atensi.services import services
from engine.read import monthly

from .auth import current_actor, require_login

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports")
blp.before_request(require_login)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MonthlyArgs(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"),
                          metadata={"description": "YYYY-MM"})
    unit_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


@blp.get("/reports/monthly")
@blp.arguments(MonthlyArgs, location="query")
@blp.response(200)
def monthly_report(args):
    """The unit's laporan kegiatan for a month (supervisors of the unit, admin; a koordinator wilayah for the
    units of its region by unit_id)."""
    year, month = (int(part) for part in args["month"].split("-"))
    report = monthly.MonthlyReport(services().session_factory).build(current_actor(), year, month, args["unit_id"])
    name = f"laporan-kegiatan-{report['unit_id']}-{report['month']}"
    if args["format"] == "csv":
        return Response(monthly.as_csv(report), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if args["format"] == "xlsx":
        return Response(monthly.as_xlsx(report), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    report["median_days_to_stage"] = dict(report["median_days_to_stage"])
    return {key: ({("" if k is None else k): v for k, v in value.items()} if isinstance(value, dict) else value)
            for key, value in report.items()}
