"""expedientes record who moved their status and when (validado, devuelto, the platform's)

A supervisor's review sets them at the window; a pulled status change carries the platform's.
Plain ADD COLUMN (batch mode without a rebuild): a rebuilt `expedientes` would lose its FTS and
immutability triggers (localdb/fts.py).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("status_by", "status_at")


def upgrade() -> None:
    with op.batch_alter_table("expedientes", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("status_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; neither appears in a trigger or an index.
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE expedientes DROP COLUMN {column}")
