"""the FTS insert trigger steps aside for a batch that indexes its own rows

`expedientes_fts_ai` gets a WHEN: it indexes a new expediente unless the setting
`fts.batch_insert` exists. That setting lives only inside a transaction that inserts many rows
and then indexes them in one INSERT … SELECT (localdb/fts.py `indexed_as_a_batch`: a pulled
page's new rows), which costs SQLite far less than the trigger's program once per row (100,000
pulled rows: about 6–7 s of CPU instead of 10–12 s). Nothing is stored or reindexed here: every row
is already in the index, and the setting is never committed.

The new trigger is localdb/fts.py's (CREATE_STATEMENTS, IF NOT EXISTS: only the dropped trigger
comes back); the downgrade puts back the trigger as it was, frozen here.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

from localdb.fts import CREATE_STATEMENTS

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TRIGGER = "expedientes_fts_ai"
PER_ROW_TRIGGER = """CREATE TRIGGER IF NOT EXISTS expedientes_fts_ai AFTER INSERT ON expedientes
        BEGIN
        INSERT INTO expedientes_fts(rowid, folio, nombre, curp, rfc)
        VALUES (new.rowid, new.folio, new.nombre, new.curp, new.rfc);
    END"""


def upgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    for statement in CREATE_STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute(PER_ROW_TRIGGER)
