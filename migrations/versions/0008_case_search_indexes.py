"""Case search at national scale (PostgreSQL): a trigram index for a name anywhere in pm_name, and a
pattern index for a NIK prefix. SQLite has no trigrams and needs none at a unit's size: a no-op there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _trigram_schema(bind) -> str | None:
    """The schema of pg_trgm, created in public if it is not there yet (not in the install's own schema:
    dropping that schema must not take the extension from other schemas' indexes). pg_trgm ships with
    PostgreSQL; creating it needs a right that a managed database may not give: without it the name
    search still works, by a scan."""
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError:
        pass
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                "WHERE e.extname = 'pg_trgm'")).scalar()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # pm_nik LIKE '3171%' under any collation; the pattern index serves equality too
    op.execute("DROP INDEX ix_cases_pm_nik")
    op.execute("CREATE INDEX ix_cases_pm_nik ON cases (pm_nik varchar_pattern_ops)")
    schema = _trigram_schema(bind)
    if schema:
        op.execute(f'CREATE INDEX ix_cases_pm_name_trgm ON cases USING gin (pm_name "{schema}".gin_trgm_ops)')
    else:  # same name, so that the schema is the one the models describe
        op.execute("CREATE INDEX ix_cases_pm_name_trgm ON cases (pm_name)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_cases_pm_name_trgm")
    op.execute("DROP INDEX ix_cases_pm_nik")
    op.execute("CREATE INDEX ix_cases_pm_nik ON cases (pm_nik)")
