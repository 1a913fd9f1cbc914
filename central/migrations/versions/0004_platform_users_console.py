"""platform users belong to an office; the console's sessions and bitácora; revoked machines

users: office (FK offices), dependencia, must_change_password. machines: config_version,
revoked_at. config_bundles: published_by. New tables console_sessions and audit_events.
On a platform with exactly one office (a pilot), its existing operadores and supervisores are
placed in it; otherwise existing users keep office NULL (any office, as before) until an admin
assigns one with `central user set-office`.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("office", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("dependencia", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key(op.f("fk_users_office_offices"), "offices", ["office"],
                                 ["clave"])
    op.execute(
        "UPDATE users SET office = (SELECT clave FROM offices) "
        "WHERE role IN ('operador', 'supervisor') AND (SELECT count(*) FROM offices) = 1"
    )
    with op.batch_alter_table("machines") as batch:
        batch.add_column(sa.Column("config_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("config_bundles") as batch:
        batch.add_column(sa.Column("published_by", sa.String(length=64), nullable=True))
    op.create_table(
        "console_sessions",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["users.username"],
                                name=op.f("fk_console_sessions_username_users")),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_username"), "console_sessions", ["username"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_username"), "audit_events", ["username"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("console_sessions")
    with op.batch_alter_table("config_bundles") as batch:
        batch.drop_column("published_by")
    with op.batch_alter_table("machines") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("config_version")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("fk_users_office_offices"), type_="foreignkey")
        batch.drop_column("must_change_password")
        batch.drop_column("dependencia")
        batch.drop_column("office")
