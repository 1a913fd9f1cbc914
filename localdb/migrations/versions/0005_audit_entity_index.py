"""audit_log: index on (entity, action)

The expediente detail reads a folio's cancellation (who, when) from the audit log; without an
index that read scanned every login, print and capture ever recorded.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_entity_action", "audit_log", ["entity", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity_action", table_name="audit_log")
