"""UU PDP: the access log (record of processing), consents, and when a case was anonymised

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
import engine.storage.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', engine.storage.models.UTCDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('object_type', sa.String(length=20), nullable=False),
        sa.Column('object_id', sa.String(length=64), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_actor', ['actor', 'at'], unique=False)
        batch_op.create_index('ix_access_log_case', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_unit_at', ['unit_id', 'at'], unique=False)
    op.create_table(
        'consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('party', sa.String(length=10), nullable=False),
        sa.Column('given_by', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('given_on', sa.String(length=10), nullable=False),
        sa.Column('recorded_by', sa.String(length=80), nullable=False),
        sa.Column('recorded_at', engine.storage.models.UTCDateTime(), nullable=False),
        sa.Column('withdrawn_at', engine.storage.models.UTCDateTime(), nullable=True),
        sa.Column('withdrawn_by', sa.String(length=80), nullable=True),
        sa.Column('withdrawal_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', engine.storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    op.drop_table('consents')
    op.drop_table('access_log')
