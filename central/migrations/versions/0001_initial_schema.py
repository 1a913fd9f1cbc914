"""initial schema: central's tables as `central init` created them with metadata.create_all

Constraint and index names follow central.models.NAMING_CONVENTION, so they are the same on
SQLite and PostgreSQL and the same as in databases made before migrations existed (which
central.migrate stamps at this revision instead of recreating them).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _platform_tables()
    _office_tables()
    _expediente_tables()


def downgrade() -> None:
    for table in ("amendments", "mutations", "expedientes", "machines", "enroll_codes", "users",
                  "scope_counters", "platform", "offices", "config_bundles", "changes",
                  "attachments"):
        op.drop_table(table)


def _platform_tables() -> None:
    op.create_table(
        "platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("epoch", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform")),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )
    op.create_table(
        "config_bundles",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_config_bundles")),
    )
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachments")),
    )


def _office_tables() -> None:
    op.create_table(
        "offices",
        sa.Column("clave", sa.String(length=32), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.Column("municipio", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("clave", name=op.f("pk_offices")),
    )
    op.create_table(
        "scope_counters",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_scope_counters")),
    )
    op.create_table(
        "changes",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=40), nullable=False),
        sa.Column("origin_machine", sa.String(length=40), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "version", name=op.f("pk_changes")),
    )
    op.create_table(
        "enroll_codes",
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("ventanilla", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("machine_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_enroll_codes_office_offices")),
        sa.PrimaryKeyConstraint("code_sha256", name=op.f("pk_enroll_codes")),
    )
    op.create_table(
        "machines",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("ventanilla", sa.String(length=32), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("receipt_public_key", sa.Text(), nullable=False),
        sa.Column("hostname", sa.String(length=200), nullable=False),
        sa.Column("app_version", sa.String(length=40), nullable=False),
        sa.Column("last_mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_machines_office_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_machines")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_machines_token_sha256")),
    )
    op.create_index(op.f("ix_machines_office"), "machines", ["office"], unique=False)


def _expediente_tables() -> None:
    op.create_table(
        "expedientes",
        sa.Column("uuid", sa.String(length=40), nullable=False),
        sa.Column("folio", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("machine_id", sa.String(length=40), nullable=False),
        sa.Column("tramite_homoclave", sa.String(length=64), nullable=False),
        sa.Column("total", sa.String(length=24), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("official_folio", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("payment_method", sa.String(length=32), nullable=True),
        sa.Column("payment_reference", sa.String(length=64), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"],
                                name=op.f("fk_expedientes_machine_id_machines")),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_expedientes_office_offices")),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_expedientes")),
        sa.UniqueConstraint("folio", name=op.f("uq_expedientes_folio")),
    )
    op.create_index(op.f("ix_expedientes_office"), "expedientes", ["office"], unique=False)
    op.create_table(
        "mutations",
        sa.Column("machine_id", sa.String(length=40), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"],
                                name=op.f("fk_mutations_machine_id_machines")),
        sa.PrimaryKeyConstraint("machine_id", "mutation_id", name=op.f("pk_mutations")),
    )
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("expediente_uuid", sa.String(length=40), nullable=False),
        sa.Column("machine_id", sa.String(length=40), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["expediente_uuid"], ["expedientes.uuid"],
                                name=op.f("fk_amendments_expediente_uuid_expedientes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    op.create_index(op.f("ix_amendments_expediente_uuid"), "amendments", ["expediente_uuid"],
                    unique=False)

