"""The supervisor's review queue and the admin's users view

- expedientes: indexes for the queue's filters, each ending in the list's order
  (captured_at, uuid) so a filtered page is read off the index without a sort: by status
  (the state strip and filter, and its counts) and by operador (`created_by`, also the
  devueltos count at login).
- users: `last_login_at` (the last successful login at this window) and `from_platform`
  (cached from the platform's login, or created here). Backfilled from the audit log: the
  newest `auth.login` entry, and any `user.platform_sync` entry.

Plain ADD COLUMN and CREATE INDEX (no table rebuild: `expedientes` keeps its triggers).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_expedientes_status_captured_at": ["status", "captured_at", "uuid"],
    "ix_expedientes_created_by_captured_at": ["created_by", "captured_at", "uuid"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "expedientes", columns)
    with op.batch_alter_table("users", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("from_platform", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE users SET last_login_at = (SELECT max(at) FROM audit_log "
               "WHERE action = 'auth.login' AND entity = users.username)")
    op.execute("UPDATE users SET from_platform = 1 WHERE username IN (SELECT entity FROM "
               "audit_log WHERE action = 'user.platform_sync')")


def downgrade() -> None:
    for column in ("from_platform", "last_login_at"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
    for name in INDEXES:
        op.drop_index(name, table_name="expedientes")
