"""expedientes list order from one index: (captured_at, uuid)

The Expedientes view pages by captured_at with uuid as the tie-break; with an index on
captured_at alone SQLite sorted every row sharing a timestamp in a temporary b-tree.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expedientes") as batch_op:
        batch_op.drop_index("ix_expedientes_captured_at")
        batch_op.create_index("ix_expedientes_captured_at_uuid", ["captured_at", "uuid"])


def downgrade() -> None:
    with op.batch_alter_table("expedientes") as batch_op:
        batch_op.drop_index("ix_expedientes_captured_at_uuid")
        batch_op.create_index("ix_expedientes_captured_at", ["captured_at"])
