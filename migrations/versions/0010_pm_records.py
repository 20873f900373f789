"""pms: a PM as a record of its own; cases.pm_id, backfilled one PM per case (a case response
with its parent's PM). Same NIK in one unit is not taken as proof of one person: a supervisor merges.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:50:00
"""
import re
import unicodedata
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _name_key(name: str) -> str:
    """engine.pms.records.name_key as it was when this migration was written."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", plain).split())


def upgrade() -> None:
    pms = op.create_table(
        'pms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_key', sa.String(length=200), nullable=False),
        sa.Column('nik', sa.String(length=16), nullable=True),
        sa.Column('birth_date', sa.String(length=10), nullable=True),
        sa.Column('sex', sa.String(length=1), nullable=True),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('family_contact', sa.String(length=200), nullable=False),
        sa.Column('guardian', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.String(length=80), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['merged_into_id'], ['pms.id'], name='fk_pms_merged_into_id'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_pms_nik', 'pms', ['nik'])
    op.create_index('ix_pms_name_birth', 'pms', ['name_key', 'birth_date'])
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pm_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_cases_pm_id', 'pms', ['pm_id'], ['id'])
        batch_op.create_index('ix_cases_pm_id', ['pm_id'])
    _backfill(pms)


def _backfill(pms) -> None:
    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('parent_case_id', sa.Integer),
                     sa.column('pm_name', sa.String), sa.column('pm_nik', sa.String),
                     sa.column('pm_birth_date', sa.String), sa.column('profile', sa.JSON),
                     sa.column('created_by', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
                     sa.column('anonymised_at', sa.DateTime(timezone=True)), sa.column('pm_id', sa.Integer))
    pm_of: dict[int, int] = {}
    rows = bind.execute(sa.select(cases).order_by(cases.c.id)).mappings().all()
    for case in rows:  # a parent is always older than its case response: its PM exists by then
        pm_id = pm_of.get(case['parent_case_id'])
        if pm_id is None:
            profile = case['profile'] or {}
            pm_id = bind.execute(pms.insert().values(
                name=case['pm_name'] or '', name_key=_name_key(case['pm_name']), nik=case['pm_nik'],
                birth_date=case['pm_birth_date'], sex=profile.get('jenis_kelamin'),
                address=str(profile.get('alamat') or ''), family_contact=str(profile.get('kontak_keluarga') or ''),
                guardian={}, created_by=case['created_by'], created_at=case['created_at'] or datetime.now(UTC),
                anonymised_at=case['anonymised_at'])).inserted_primary_key[0]
        pm_of[case['id']] = pm_id
        bind.execute(cases.update().where(cases.c.id == case['id']).values(pm_id=pm_id))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_pm_id')
        batch_op.drop_constraint('fk_cases_pm_id', type_='foreignkey')
        batch_op.drop_column('pm_id')
    op.drop_index('ix_pms_name_birth', table_name='pms')
    op.drop_index('ix_pms_nik', table_name='pms')
    op.drop_table('pms')
