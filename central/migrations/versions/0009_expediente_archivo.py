"""expedientes keep the paper's original folio and date of a back-capture (import-archivo)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archivo_folio", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("archivo_fecha", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("expedientes", schema=None) as batch_op:
        batch_op.drop_column("archivo_fecha")
        batch_op.drop_column("archivo_folio")
