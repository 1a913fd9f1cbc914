"""outbox ids are never reused: AUTOINCREMENT

Without AUTOINCREMENT SQLite hands out max(rowid)+1, so deleting the newest outbox rows (pruning
acknowledged mutations, say) would reuse mutation ids the platform has already recorded, and it
would answer the new mutations as duplicates. The table is rebuilt in batch mode with its rows.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
