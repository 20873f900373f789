"""PM records: one person across their cases, and a supervisor's merge of two records."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.pms import PmMergeResultSchema, PmMergeSchema, PmRecordSchema

blp = Blueprint("pms", __name__, url_prefix="/api/v1", description="PM records (penerima manfaat) and their cases")
blp.before_request(require_login)


@blp.get(f"/pms/<{ROW_ID}:pm_id>")
@blp.response(200, PmRecordSchema)
def get_pm(pm_id):
    """The PM and every case of theirs; another unit's cases as number, unit, stage and status only."""
    return services().pms.profile(current_actor(), pm_id)


@blp.post(f"/pms/<{ROW_ID}:pm_id>/merge")
@blp.arguments(PmMergeSchema)
@blp.response(200, PmMergeResultSchema)
def merge_pm(body, pm_id):
    """Supervisor: this record was the same person as `into`; its cases move there, each with a history event."""
    return services().pms.merge(current_actor(), pm_id, body["into"], body["reason"])
