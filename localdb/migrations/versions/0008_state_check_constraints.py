"""CHECK constraints on the state columns: expedientes.status and .sync_state, outbox.state,
users.role

The values are those of the enums in localdb/states.py as of this revision, written out here so
the revision means the same thing forever; tests/test_state_vocabulary.py fails when an enum and
the store's CHECK differ, which is when a new revision is due. Rows already stored must pass:
every value the code ever wrote is listed, and an unknown one stops the upgrade with its name
(the database was copied aside first).

SQLite adds a CHECK only by rebuilding the table (batch mode, recreate="always"). The rebuild runs
with foreign keys off (localdb/migrate.py) and keeps what a plain copy would lose: the outbox's
AUTOINCREMENT high-water mark (mutation ids are never reused) and the triggers on expedientes;
the external-content FTS index is rebuilt because the copy may renumber rowids.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
from sqlalchemy import text

from localdb.fts import CREATE_STATEMENTS

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    "expedientes": {
        "status": ("capturado", "recibido", "en_revision", "validado", "devuelto", "rechazado",
                   "resuelto", "anulado"),
        "sync_state": ("pendiente", "faltan_anexos", "sincronizado", "rechazado", "demo"),
    },
    "outbox": {"state": ("pending", "acked", "rejected")},
    "users": {"role": ("operador", "supervisor", "admin")},
}
TABLE_KWARGS = {"outbox": {"sqlite_autoincrement": True}}
EXPEDIENTE_TRIGGERS = ("expedientes_fts_ai", "expedientes_fts_ad", "expedientes_fts_au",
                       "expedientes_answers_immutable")


def _refuse_unknown_values() -> None:
    bind = op.get_bind()
    for table, columns in CHECKS.items():
        for column, values in columns.items():
            allowed = ", ".join(f"'{v}'" for v in values)
            found = bind.execute(text(f"SELECT DISTINCT {column} FROM {table} "
                                      f"WHERE {column} NOT IN ({allowed})")).scalars().all()
            if found:
                raise RuntimeError(f"{table}.{column} holds values this version does not know: "
                                   f"{sorted(found)}")


def _outbox_sequence() -> int | None:
    return op.get_bind().execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")).scalar()


def _restore_outbox_sequence(seq: int | None) -> None:
    if seq is None:
        return
    bind = op.get_bind()
    bind.execute(text("DELETE FROM sqlite_sequence WHERE name = 'outbox'"))
    bind.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', "
                      "MAX(:seq, COALESCE((SELECT MAX(mutation_id) FROM outbox), 0)))"),
                 {"seq": seq})


def _rebuild(add_checks: bool) -> None:
    seq = _outbox_sequence()
    for trigger in EXPEDIENTE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs=TABLE_KWARGS.get(table, {})) as batch_op:
            for column, values in columns.items():
                name = op.f(f"ck_{table}_{column}")
                if add_checks:
                    allowed = ", ".join(f"'{v}'" for v in values)
                    batch_op.create_check_constraint(name, f"{column} IN ({allowed})")
                else:
                    batch_op.drop_constraint(name, type_="check")
    _restore_outbox_sequence(seq)
    for statement in CREATE_STATEMENTS:  # IF NOT EXISTS: only the dropped triggers come back
        op.execute(statement)
    op.execute("INSERT INTO expedientes_fts(expedientes_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _refuse_unknown_values()
    _rebuild(add_checks=True)


def downgrade() -> None:
    _rebuild(add_checks=False)
