"""Index expedientes.machine_id: GET /v1/sync/state reads a machine's highest folios.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expedientes_machine_id"), ["machine_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expedientes_machine_id"))
