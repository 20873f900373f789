"""drop cases.lock_version: a case is locked with SELECT … FOR UPDATE (BEGIN IMMEDIATE on SQLite)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('lock_version')


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False, server_default='0'))
