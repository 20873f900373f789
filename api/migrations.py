"""Moving running cases between versions of a process: dry run, migrate, undo (supervisor or admin)."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.cases.migration import CaseMigrations

from .auth import current_actor, require_login
from .errors import ROW_ID
from .schemas.redesign import CaseMoveSchema, MigrationReportSchema, MigrationRequestSchema

blp = Blueprint("migrations", __name__, url_prefix="/api/v1/migrations",
                description="Migrating running cases to another version")
blp.before_request(require_login)


def migrations() -> CaseMigrations:
    return CaseMigrations(services().session_factory)


@blp.post("/dry-run")
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationReportSchema)
def dry_run(request):
    """Which running cases could move to the target version, and for each one that cannot, why."""
    return migrations().dry_run(actor=current_actor(), **request).to_dict()


@blp.post("")
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationReportSchema)
def migrate(request):
    """Move every movable case, each in its own transaction; the others stay, with their reasons.
    Each move is recorded in the case's history under the returned migration_id."""
    return migrations().migrate(actor=current_actor(), **request).to_dict()


@blp.post("/<string:migration_id>/undo")
@blp.response(200, MigrationReportSchema)
def undo(migration_id):
    """Move the cases of one migration back to the version they came from (recorded too)."""
    return migrations().undo(migration_id, current_actor()).to_dict()


@blp.post(f"/cases/<{ROW_ID}:case_id>/undo")
@blp.response(200, CaseMoveSchema)
def undo_case(case_id):
    """Move one case back to the version its last migration took it from."""
    return migrations().undo_case(case_id, current_actor()).to_dict()
