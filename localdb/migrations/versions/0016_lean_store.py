"""a lean store: acknowledged outbox rows stay packed, no index entry for counter captures, an
FTS index without column sizes, then the file compacted

Measured on a generated store (issue 15): the outbox's pages were ~11 % full — each mutation is
written with its ~1 KB payload, and the trigger of revision 0013 emptied it in place once
acknowledged, which SQLite never merges back — so the outbox took ~1,080 bytes per expediente
for ~125 bytes of rows. From here:

- `outbox_compact_acked` deletes the acknowledged row and inserts it again without its payload
  (same mutation_id and columns; localdb/counters.py): a delete lets SQLite merge the emptied
  pages, so the outbox stays packed as it grows;
- `uq_expedientes_archivo` only over back-captured papers (`archivo_folio IS NOT NULL`): both of
  import-archivo's look-ups name an archivo_folio, so they still read it;
- `ix_expedientes_sync_state` only over the rows the platform has not confirmed (pendiente,
  faltan_anexos, rechazado, demo): the envío queues look those up by equality; "confirmados",
  nearly every row, walks the list's (captured_at, uuid) index and stops at the page;
- `ix_outbox_state` only over pending and rejected mutations: nothing looks up acknowledged
  rows by state;
- `ix_expedientes_curp` dropped: the applicant look-up by CURP reads the FTS index's curp
  column (a CURP is one token), which already held it;
- `ix_expedientes_status_captured_at` ends in the trámite's homoclave: the review queue's counts
  per state under a dependencia (its trámites' homoclaves) read the index alone, not every row;
- `expedientes_fts` rebuilt with `columnsize=0` (the sizes serve only ranking, which no search
  uses); same tokenizer, same columns, positions kept (a folio is a phrase of tokens);
- the expedientes' JSON (answers, requisitos, cobros) stored compactly, as the engine now writes
  every JSON column (localdb/engine.py `json_text`: no spaces, UTF-8 instead of \\u escapes):
  ~55 bytes of ~640. Readers parse it and the content hash covers the parsed values, so nothing
  else changes; the immutability trigger is dropped for the rewrite and created again as it was;
- the setting store.vacuum_wanted asks localdb/migrate.py for a VACUUM once this commits (it
  checks free space first), which packs what is already stored.

Every statement is frozen here (not imported), so later changes to localdb/ do not change what
this revision did.

Revision ID: 0016
Revises: 0015
"""

import json
from collections.abc import Callable

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TRIGGER = "outbox_compact_acked"
COLUMNS = ("mutation_id, kind, entity_uuid, payload, sha256, state, attempts, last_error, "
           "next_attempt_at, created_at")
REPACKING_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS outbox_compact_acked AFTER UPDATE OF state
        ON outbox WHEN new.state = 'acked' AND new.payload <> '' BEGIN
        DELETE FROM outbox WHERE mutation_id = new.mutation_id;
        INSERT INTO outbox ({COLUMNS}) VALUES (new.mutation_id, new.kind,
            new.entity_uuid, '', new.sha256, new.state, new.attempts, new.last_error,
            new.next_attempt_at, new.created_at);
    END"""
IN_PLACE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS outbox_compact_acked AFTER UPDATE OF state ON outbox
        WHEN new.state = 'acked' AND new.payload <> '' BEGIN
        UPDATE outbox SET payload = '' WHERE mutation_id = new.mutation_id;
    END"""

ARCHIVO = "uq_expedientes_archivo"
CURP = "ix_expedientes_curp"
BY_STATUS = "ix_expedientes_status_captured_at"
# (name, table, columns, the partial index's WHERE)
PARTIAL = (
    ("ix_expedientes_sync_state", "expedientes", "sync_state, captured_at, uuid",
     "sync_state = 'pendiente' OR sync_state = 'faltan_anexos' OR sync_state = 'rechazado' "
     "OR sync_state = 'demo'"),
    ("ix_outbox_state", "outbox", "state, mutation_id", "state = 'pending' OR state = 'rejected'"),
)
FTS_OPTIONS = "tokenize='unicode61 remove_diacritics 2'"
FTS_TABLE = """CREATE VIRTUAL TABLE expedientes_fts USING fts5(
        folio, nombre, curp, rfc, content='expedientes', content_rowid='rowid',
        {options})"""


IMMUTABLE = "expedientes_answers_immutable"
IMMUTABLE_SQL = """CREATE TRIGGER IF NOT EXISTS expedientes_answers_immutable
        BEFORE UPDATE OF answers, folio, tramite_homoclave, tramite_version, uuid, captured_at
        ON expedientes
        WHEN old.answers IS NOT new.answers OR old.folio IS NOT new.folio
          OR old.tramite_homoclave IS NOT new.tramite_homoclave
          OR old.tramite_version IS NOT new.tramite_version OR old.uuid IS NOT new.uuid
          OR old.captured_at IS NOT new.captured_at
        BEGIN SELECT RAISE(ABORT, 'captured expediente is immutable'); END"""
JSON_COLUMNS = ("answers", "requisitos", "cobros")
CHUNK = 20_000


def _compact(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def _spaced(text: str) -> str:
    return json.dumps(json.loads(text))  # what SQLAlchemy's default serializer wrote


def _rewrite_json(convert: Callable[[str], str]) -> None:
    """Every expediente's JSON columns through `convert`, a chunk of rowids at a time (a million
    rows never sit in memory at once); only rows whose text changes are written."""
    conn = op.get_bind()
    op.execute(f"DROP TRIGGER IF EXISTS {IMMUTABLE}")
    columns = ", ".join(JSON_COLUMNS)
    assignments = ", ".join(f"{c} = ?" for c in JSON_COLUMNS)
    after = 0
    while True:
        rows = conn.exec_driver_sql(
            f"SELECT rowid, {columns} FROM expedientes WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, CHUNK)).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        changed = []
        for rowid, *texts in rows:
            new = [convert(t) for t in texts]
            if new != texts:
                changed.append((*new, rowid))
        if changed:
            conn.exec_driver_sql(f"UPDATE expedientes SET {assignments} WHERE rowid = ?",
                                 changed)
    op.execute(IMMUTABLE_SQL)


def _rebuild_fts(options: str) -> None:
    """The FTS table again with `options`, rebuilt from `expedientes` (its triggers, on
    `expedientes`, name it and keep working)."""
    op.execute("DROP TABLE IF EXISTS expedientes_fts")
    op.execute(FTS_TABLE.format(options=options))
    op.execute("INSERT INTO expedientes_fts(expedientes_fts) VALUES ('rebuild')")


def _fts_sql() -> str:
    found = op.get_bind().exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'expedientes_fts'").scalar()
    return str(found or "")


def upgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute(REPACKING_TRIGGER)
    op.execute(f"DROP INDEX IF EXISTS {ARCHIVO}")
    op.execute(f"CREATE UNIQUE INDEX {ARCHIVO} ON expedientes (tramite_homoclave, archivo_folio) "
               "WHERE archivo_folio IS NOT NULL")
    for name, table, columns, where in PARTIAL:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({columns}) WHERE {where}")
    op.execute(f"DROP INDEX IF EXISTS {CURP}")
    op.execute(f"DROP INDEX IF EXISTS {BY_STATUS}")
    op.execute(f"CREATE INDEX {BY_STATUS} ON expedientes "
               "(status, captured_at, uuid, tramite_homoclave)")
    if "columnsize=0" not in _fts_sql():  # a new store's revision 0001 already made it so
        _rebuild_fts(f"{FTS_OPTIONS}, columnsize=0")
    _rewrite_json(_compact)
    op.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('store.vacuum_wanted', '1')")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {BY_STATUS}")
    op.execute(f"CREATE INDEX {BY_STATUS} ON expedientes (status, captured_at, uuid)")
    op.execute(f"CREATE INDEX IF NOT EXISTS {CURP} ON expedientes (curp)")
    _rewrite_json(_spaced)
    _rebuild_fts(FTS_OPTIONS)
    for name, table, columns, _where in PARTIAL:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    op.execute(f"DROP INDEX IF EXISTS {ARCHIVO}")
    op.execute(f"CREATE UNIQUE INDEX {ARCHIVO} ON expedientes (tramite_homoclave, archivo_folio)")
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute(IN_PLACE_TRIGGER)
