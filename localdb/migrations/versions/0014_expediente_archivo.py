"""expedientes keep the paper's original folio and date when back-captured (import-archivo)

`archivo_folio` / `archivo_fecha`: the folio and date written on the paper archive an expediente
was captured from; NULL for a capture at the counter. A unique index on (trámite homoclave,
archivo_folio) makes the import idempotent: a rerun finds each paper already in (SQLite lets
several NULLs share a unique index, so counter captures are not constrained).
Plain ADD COLUMN (no rebuild): a rebuilt `expedientes` would lose its FTS and immutability
triggers (localdb/fts.py).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEX = "uq_expedientes_archivo"


def upgrade() -> None:
    with op.batch_alter_table("expedientes", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("archivo_folio", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("archivo_fecha", sa.Date(), nullable=True))
    op.create_index(INDEX, "expedientes", ["tramite_homoclave", "archivo_folio"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="expedientes")
    for column in ("archivo_fecha", "archivo_folio"):
        op.execute(f"ALTER TABLE expedientes DROP COLUMN {column}")
