"""times are stored in UTC: every naive local time already stored is converted

Releases before this one stored `datetime.now()`: the machine's local wall clock, with no zone.
From this revision every instant is stored as naive UTC and shown in the office's zone (the
bundle's `zona_horaria`). The existing values are read as the machine's local time (the clock
that wrote them; the process's TZ) and rewritten in UTC, in the same format SQLAlchemy writes.

- `expedientes.captured_at` is covered by the content hash as the payload carried it (naive,
  local): the old text goes to the new `captured_at_legacy` column, which the integrity check
  (desktop/records/integrity.py) hashes instead. The immutability trigger is dropped for the
  rewrite and created again, as it was.
- `audit_log.at` is not rewritten: its rows are hash-chained (a rewrite would break the chain).
  The setting `audit.utc_from` records the first id written in UTC; older rows are local.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Callable
from datetime import UTC, datetime

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = {
    "expedientes": ("uuid", ("captured_at", "status_at", "paid_at")),
    "drafts": ("uuid", ("updated_at",)),
    "config_bundles": ("version", ("applied_at",)),
    "outbox": ("mutation_id", ("created_at", "next_attempt_at")),
    "sync_state": ("id", ("last_success_at", "last_error_at", "next_attempt_at")),
    "set_aside_changes": ("version", ("set_aside_at", "last_attempt_at")),
    "users": ("username", ("locked_until",)),
}
STORED = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's DateTime writes to SQLite
UTC_FROM = "audit.utc_from"
TRIGGER = "expedientes_answers_immutable"
TRIGGER_SQL = """CREATE TRIGGER IF NOT EXISTS expedientes_answers_immutable
        BEFORE UPDATE OF answers, folio, tramite_homoclave, tramite_version, uuid, captured_at
        ON expedientes
        WHEN old.answers IS NOT new.answers OR old.folio IS NOT new.folio
          OR old.tramite_homoclave IS NOT new.tramite_homoclave
          OR old.tramite_version IS NOT new.tramite_version OR old.uuid IS NOT new.uuid
          OR old.captured_at IS NOT new.captured_at
        BEGIN SELECT RAISE(ABORT, 'captured expediente is immutable'); END"""


def _local_to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)  # naive = the process's local time


def _utc_to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _rewrite(convert: Callable[[datetime], datetime]) -> None:
    conn = op.get_bind()
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    for table, (key, columns) in COLUMNS.items():
        for column in columns:
            rows = conn.exec_driver_sql(
                f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
            moved = [(convert(datetime.fromisoformat(value)).strftime(STORED), pk)
                     for pk, value in rows]
            if moved:
                conn.exec_driver_sql(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", moved)
    op.execute(TRIGGER_SQL)


def upgrade() -> None:
    conn = op.get_bind()
    op.execute("ALTER TABLE expedientes ADD COLUMN captured_at_legacy VARCHAR(32)")
    legacy = [(datetime.fromisoformat(value).isoformat(), uuid) for uuid, value in
              conn.exec_driver_sql("SELECT uuid, captured_at FROM expedientes").fetchall()]
    if legacy:
        conn.exec_driver_sql("UPDATE expedientes SET captured_at_legacy = ? WHERE uuid = ?",
                             legacy)
    _rewrite(_local_to_utc)
    next_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM audit_log").scalar()
    conn.exec_driver_sql("INSERT INTO settings(key, value) VALUES (?, ?)",
                         (UTC_FROM, str(next_id)))


def downgrade() -> None:
    _rewrite(_utc_to_local)
    op.execute(f"DELETE FROM settings WHERE key = '{UTC_FROM}'")
    op.execute("ALTER TABLE expedientes DROP COLUMN captured_at_legacy")
