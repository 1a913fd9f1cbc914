"""attachment_holders: which offices uploaded each attachment.

HEAD /v1/attachments/{sha256} answers only for those offices, and a push lists the scans the
pushing office has not uploaded. No backfill: a scan stored before this revision gets 404 on
HEAD and the window PUTs it again (idempotent by content).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_holders",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_attachment_holders_office_offices")),
        sa.ForeignKeyConstraint(["sha256"], ["attachments.sha256"],
                                name=op.f("fk_attachment_holders_sha256_attachments")),
        sa.PrimaryKeyConstraint("sha256", "office", name=op.f("pk_attachment_holders")),
    )


def downgrade() -> None:
    op.drop_table("attachment_holders")
