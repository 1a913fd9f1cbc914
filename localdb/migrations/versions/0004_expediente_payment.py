"""expedientes record their payment: when, which reference, who took it

`payment_method` existed since 0001; a payment also needs its date, the bank or card reference
and the operador who received it. Plain ADD COLUMN (batch mode without a rebuild): a rebuilt
`expedientes` would lose its FTS and immutability triggers (localdb/fts.py).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("paid_at", "payment_reference", "paid_by")


def upgrade() -> None:
    with op.batch_alter_table("expedientes", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("paid_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("payment_reference", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("paid_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; none of these appears in a trigger or an index.
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE expedientes DROP COLUMN {column}")
