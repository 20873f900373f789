"""history_events (kind, at): the monthly report reads one month's completed tasks without reading every
event (bench/scale.py, a million cases).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:30:00
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_history_kind_at', 'history_events', ['kind', 'at'])


def downgrade() -> None:
    op.drop_index('ix_history_kind_at', table_name='history_events')
