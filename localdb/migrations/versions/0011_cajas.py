"""cajas, recibos, recibo_counters: cash sessions, recibos oficiales and their own folio series

A caja is opened with a fondo inicial and closed by its corte (counted by denomination, signed by
a supervisor); at most one is open (a partial unique index). Each payment gets a recibo oficial
folio from `recibo_counters`, allocated in the payment's transaction. New tables only: nothing
existing is rebuilt.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recibo_counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_recibo_counters")),
    )
    op.create_table(
        "cajas",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("ventanilla", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("fondo_centavos", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("counted_by", sa.String(length=64), nullable=True),
        sa.Column("signed_by", sa.String(length=64), nullable=True),
        sa.Column("expected_centavos", sa.Integer(), nullable=True),
        sa.Column("counted_centavos", sa.Integer(), nullable=True),
        sa.Column("denominations", sa.JSON(), nullable=True),
        sa.Column("corte_print_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_cajas")),
    )
    op.create_index("uq_cajas_open", "cajas", ["ventanilla"], unique=True,
                    sqlite_where=sa.text("closed_at IS NULL"))
    op.create_table(
        "recibos",
        sa.Column("folio", sa.String(length=64), nullable=False),
        sa.Column("expediente_uuid", sa.String(length=36), nullable=False),
        sa.Column("caja_uuid", sa.String(length=36), nullable=False),
        sa.Column("amount_centavos", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=64), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["caja_uuid"], ["cajas.uuid"],
                                name=op.f("fk_recibos_caja_uuid_cajas")),
        sa.ForeignKeyConstraint(["expediente_uuid"], ["expedientes.uuid"],
                                name=op.f("fk_recibos_expediente_uuid_expedientes")),
        sa.PrimaryKeyConstraint("folio", name=op.f("pk_recibos")),
    )
    op.create_index(op.f("ix_recibos_caja_uuid"), "recibos", ["caja_uuid"])
    op.create_index(op.f("ix_recibos_expediente_uuid"), "recibos", ["expediente_uuid"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recibos_expediente_uuid"), table_name="recibos")
    op.drop_index(op.f("ix_recibos_caja_uuid"), table_name="recibos")
    op.drop_table("recibos")
    op.drop_index("uq_cajas_open", table_name="cajas")
    op.drop_table("cajas")
    op.drop_table("recibo_counters")
