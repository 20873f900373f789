"""case_handovers (transfers and referrals between units) and units.parent_unit_id (regions)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:45:00
"""
from alembic import op
import sqlalchemy as sa

from engine.storage.models import UTCDateTime


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_units_parent_unit_id', 'units', ['parent_unit_id'], ['id'])
        batch_op.create_index('ix_units_parent_unit_id', ['parent_unit_id'])
    op.create_table(
        'case_handovers',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('case_id', sa.Integer(), sa.ForeignKey('cases.id', ondelete='CASCADE'), nullable=False),
        sa.Column('from_unit_id', sa.Integer(), sa.ForeignKey('units.id'), nullable=False),
        sa.Column('to_unit_id', sa.Integer(), sa.ForeignKey('units.id'), nullable=True),
        sa.Column('to_institution', sa.String(200), nullable=True),
        sa.Column('service', sa.String(40), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('consent_given_by', sa.String(200), nullable=True),
        sa.Column('consent_given_on', sa.String(10), nullable=True),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('requested_by', sa.String(80), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=True),
        sa.Column('next_alert_at', UTCDateTime(), nullable=True),
        sa.Column('answered_by', sa.String(80), nullable=True),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('answer_note', sa.Text(), nullable=True),
    )
    op.create_index('ix_case_handovers_case_id', 'case_handovers', ['case_id'])
    op.create_index('ix_case_handovers_next_alert_at', 'case_handovers', ['next_alert_at'])
    op.create_index('ix_handovers_to_unit_status', 'case_handovers', ['to_unit_id', 'status'])


def downgrade() -> None:
    op.drop_table('case_handovers')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_parent_unit_id')
        batch_op.drop_constraint('fk_units_parent_unit_id', type_='foreignkey')
        batch_op.drop_column('parent_unit_id')
