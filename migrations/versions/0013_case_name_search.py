"""Case search by name at a million cases: cases.pm_name_folded = lower(pm_name), computed by the
database; trigrams of it (fastupdate off) instead of pm_name's; (unit_id, id) and (id) indexes that
carry it, so a common name's newest matches are read from an index alone (bench/scale.py).

ILIKE lower-cased every row it passed (most of a common name's search time); LIKE on the stored
lower-cased name does not, and matches the same rows. On PostgreSQL adding the stored column
rewrites the cases table (about a minute per million cases). SQLite gets a virtual column and the
(unit_id, id) index.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _trigram_schema(bind) -> str | None:
    """Where pg_trgm lives (migration 0008 created it when it could); None without it."""
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                "WHERE e.extname = 'pg_trgm'")).scalar()


def upgrade() -> None:
    bind = op.get_bind()
    # SQLite adds only virtual generated columns to an existing table; PostgreSQL (before 18) only stored ones
    folded = sa.Computed('lower(pm_name)', persisted=True if bind.dialect.name == "postgresql" else None)
    op.add_column('cases', sa.Column('pm_name_folded', sa.String(length=200), folded))
    op.create_index('ix_cases_unit_newest', 'cases', ['unit_id', 'id'], postgresql_include=['pm_name_folded'])
    if bind.dialect.name != "postgresql":
        return
    op.create_index('ix_cases_newest', 'cases', ['id'], postgresql_include=['pm_name_folded'])
    op.execute("DROP INDEX ix_cases_pm_name_trgm")
    schema = _trigram_schema(bind)
    if schema:
        op.execute(f'CREATE INDEX ix_cases_pm_name_folded_trgm ON cases USING gin (pm_name_folded "{schema}".gin_trgm_ops) '
                   'WITH (fastupdate = off)')
    else:  # same name, so that the schema is the one the models describe
        op.execute("CREATE INDEX ix_cases_pm_name_folded_trgm ON cases (pm_name_folded)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_pm_name_folded_trgm")
        schema = _trigram_schema(bind)
        if schema:
            op.execute(f'CREATE INDEX ix_cases_pm_name_trgm ON cases USING gin (pm_name "{schema}".gin_trgm_ops)')
        else:
            op.execute("CREATE INDEX ix_cases_pm_name_trgm ON cases (pm_name)")
        op.drop_index('ix_cases_newest', table_name='cases')
    op.drop_index('ix_cases_unit_newest', table_name='cases')
    op.drop_column('cases', 'pm_name_folded')
