"""machines.config_applied: the configuration version the window says it has applied.

Reported on each sync run's pull (wire.window_report) with the app version and the pending
count; `config_version` stays what GET /v1/config last served or confirmed.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("machines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_applied", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("machines", schema=None) as batch_op:
        batch_op.drop_column("config_applied")
