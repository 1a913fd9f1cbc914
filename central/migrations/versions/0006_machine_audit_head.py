"""machines.audit_head_seq, audit_head_mac: the highest audit chain head each window pushed.

GET /v1/sync/state answers it so the window can detect rows cut off the end of its audit log.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("machines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_head_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("audit_head_mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("machines", schema=None) as batch_op:
        batch_op.drop_column("audit_head_mac")
        batch_op.drop_column("audit_head_seq")
