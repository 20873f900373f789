"""The inbox from its indexes alone (PostgreSQL): two partial indexes of the open tasks,
(unit_id, role, due_at) and (assignee, due_at), carrying the columns the inbox filters on besides
their keys (assignee, unit, priority) and the task id, so that an inbox's count and its page's ids
are index-only scans of the open tasks (tens of thousands), not of every task ever (a million:
bench/scale.py); before, the count read each open task of the unit from the table. SQLite: none.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index('ix_tasks_open_queue', 'human_tasks', ['unit_id', 'role', 'due_at'],
                    postgresql_include=['assignee', 'priority', 'id'], postgresql_where=OPEN)
    op.create_index('ix_tasks_open_assignee', 'human_tasks', ['assignee', 'due_at'],
                    postgresql_include=['unit_id', 'priority', 'id'], postgresql_where=OPEN)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_tasks_open_assignee', table_name='human_tasks')
    op.drop_index('ix_tasks_open_queue', table_name='human_tasks')
