"""process_versions.unit_id: a unit's own versions beside the national ones

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The initial schema left these unique constraints unnamed: name them the way each database did.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s"}


def _old_unique_name() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "process_versions_process_key_content_hash_key"
    return "uq_process_versions_process_key_content_hash"


def upgrade() -> None:
    with op.batch_alter_table('process_versions', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_old_unique_name(), type_='unique')
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_process_versions_unit_id', 'units', ['unit_id'], ['id'])
        batch_op.create_unique_constraint('uq_process_versions_process_key_unit_id_content_hash',
                                          ['process_key', 'unit_id', 'content_hash'])


def downgrade() -> None:
    with op.batch_alter_table('process_versions', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('uq_process_versions_process_key_unit_id_content_hash', type_='unique')
        batch_op.drop_constraint('fk_process_versions_unit_id', type_='foreignkey')
        batch_op.drop_column('unit_id')
        batch_op.create_unique_constraint(_old_unique_name(), ['process_key', 'content_hash'])
