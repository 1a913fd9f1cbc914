"""sync: set_aside_changes table; scans re-verified against the platform

`set_aside_changes` keeps the pulled changes this machine could not apply, so the pull cursor
moves on and they are retried on every run.

Before this revision a proxy's "200" to HEAD/PUT /v1/attachments counted as uploaded, so a scan
marked uploaded may never have reached the platform. Every scan is marked not uploaded, and every
synced expediente that has one is marked `faltan_anexos`: the next sync asks the platform for each
(HEAD with its receipt, re-sending what it lacks) and marks it synced again once confirmed.

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
    op.create_table(
        "set_aside_changes",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("set_aside_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_set_aside_changes")),
    )
    op.create_index("ix_set_aside_changes_entity_uuid", "set_aside_changes", ["entity_uuid"])
    op.execute(
        "UPDATE expedientes SET sync_state = 'faltan_anexos' WHERE sync_state = 'sincronizado' "
        "AND uuid IN (SELECT expediente_uuid FROM attachments)"
    )
    op.execute("UPDATE attachments SET uploaded = 0")


def downgrade() -> None:
    op.drop_index("ix_set_aside_changes_entity_uuid", table_name="set_aside_changes")
    op.drop_table("set_aside_changes")
    op.execute(
        "UPDATE expedientes SET sync_state = 'sincronizado' WHERE sync_state = 'faltan_anexos'"
    )
