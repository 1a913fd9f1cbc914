"""config_bundles: the configuration history (source, who applied it, key id, published, impact)

Plain ALTER TABLE ADD COLUMN, all nullable: bundles applied before this revision keep their rows
and show "—" where the history has nothing to say.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("source", "VARCHAR(16)"),
    ("applied_by", "VARCHAR(64)"),
    ("key_id", "VARCHAR(32)"),
    ("published_at", "DATETIME"),
    ("impact", "JSON"),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.execute(f"ALTER TABLE config_bundles ADD COLUMN {name} {kind}")


def downgrade() -> None:
    for name, _kind in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE config_bundles DROP COLUMN {name}")
