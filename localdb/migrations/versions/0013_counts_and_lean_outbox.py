"""expediente_counts kept by triggers; the outbox's pending rows indexed; acknowledged payloads
compacted

- `expediente_counts` (status, sync_state, n) and the triggers that keep it exact on every
  insert, delete and state change of an expediente (localdb/counters.py), backfilled here;
- `ix_outbox_pending`: a partial index over the pending mutations only (entity_uuid,
  mutation_id): "pendientes de envío" and the push look them up without reading acked rows;
- `ix_expedientes_sync_state` (sync_state, captured_at, uuid): the envío queues' rows;
- acknowledged outbox payloads emptied (the expediente row keeps the data), now and, by a
  trigger, on every later acknowledgement; then the file is compacted (the setting
  store.vacuum_wanted asks localdb/migrate.py for a VACUUM after the commit).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

from localdb.counters import (
    BACKFILL,
    COMPACT_ACKED,
    CREATE_STATEMENTS,
    CREATE_TABLE,
    DROP_STATEMENTS,
)

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(CREATE_TABLE)
    for statement in BACKFILL:
        op.execute(statement)
    for statement in CREATE_STATEMENTS:
        op.execute(statement)
    op.execute("CREATE INDEX ix_outbox_pending ON outbox (entity_uuid, mutation_id) "
               "WHERE state = 'pending'")
    op.execute("CREATE INDEX ix_expedientes_sync_state ON expedientes "
               "(sync_state, captured_at, uuid)")
    op.execute(COMPACT_ACKED)
    # localdb/migrate.py rewrites the file compactly once this commits (VACUUM)
    op.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('store.vacuum_wanted', '1')")


def downgrade() -> None:
    op.execute("DROP INDEX ix_expedientes_sync_state")
    op.execute("DROP INDEX ix_outbox_pending")
    for statement in DROP_STATEMENTS:
        op.execute(statement)
    op.execute("DROP TABLE expediente_counts")
