"""expedientes record who moved their status and when (a supervisor's review at a window)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by")
