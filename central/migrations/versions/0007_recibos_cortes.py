"""recibos, cortes: the recibos oficiales the windows issue (and cancel), and each caja's corte

New tables only. A recibo comes with its expediente.payment (recibo_folio), its cancellation with
recibo.cancel; a corte with caja.corte, stored once per caja and never edited.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recibos",
        sa.Column("folio", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("machine_id", sa.String(length=40), nullable=False),
        sa.Column("expediente_uuid", sa.String(length=40), nullable=False),
        sa.Column("caja_uuid", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=64), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["expediente_uuid"], ["expedientes.uuid"],
                                name=op.f("fk_recibos_expediente_uuid_expedientes")),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"],
                                name=op.f("fk_recibos_machine_id_machines")),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_recibos_office_offices")),
        sa.PrimaryKeyConstraint("folio", name=op.f("pk_recibos")),
    )
    for column in ("caja_uuid", "expediente_uuid", "machine_id", "office"):
        op.create_index(op.f(f"ix_recibos_{column}"), "recibos", [column])
    op.create_table(
        "cortes",
        sa.Column("caja_uuid", sa.String(length=40), nullable=False),
        sa.Column("office", sa.String(length=32), nullable=False),
        sa.Column("machine_id", sa.String(length=40), nullable=False),
        sa.Column("ventanilla", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("fondo", sa.String(length=24), nullable=False),
        sa.Column("expected", sa.String(length=24), nullable=False),
        sa.Column("counted", sa.String(length=24), nullable=False),
        sa.Column("difference", sa.String(length=24), nullable=False),
        sa.Column("counted_by", sa.String(length=64), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["machine_id"], ["machines.id"],
                                name=op.f("fk_cortes_machine_id_machines")),
        sa.ForeignKeyConstraint(["office"], ["offices.clave"],
                                name=op.f("fk_cortes_office_offices")),
        sa.PrimaryKeyConstraint("caja_uuid", name=op.f("pk_cortes")),
    )
    for column in ("machine_id", "office"):
        op.create_index(op.f(f"ix_cortes_{column}"), "cortes", [column])


def downgrade() -> None:
    for column in ("machine_id", "office"):
        op.drop_index(op.f(f"ix_cortes_{column}"), table_name="cortes")
    op.drop_table("cortes")
    for column in ("caja_uuid", "expediente_uuid", "machine_id", "office"):
        op.drop_index(op.f(f"ix_recibos_{column}"), table_name="recibos")
    op.drop_table("recibos")
