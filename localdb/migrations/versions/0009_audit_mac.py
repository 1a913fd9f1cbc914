"""audit_log.mac: the keyed audit chain

From the first entry written after this revision, each audit row carries an HMAC-SHA256 under a
key held in the CredentialStore (desktop/records/audit_key.py). Older rows keep their plain hash
chain and stay verifiable; the first keyed row's MAC covers the last plain hash.

A plain ALTER TABLE ADD COLUMN (not batch mode): recreating audit_log would drop its
append-only triggers (localdb/fts.py).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE audit_log ADD COLUMN mac VARCHAR(64)")


def downgrade() -> None:
    op.execute("ALTER TABLE audit_log DROP COLUMN mac")


