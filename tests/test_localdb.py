"""The local store: pragmas, file modes, migrations match the models, up/down, alembic check."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest
import sqlcipher3
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from desktop.context import open_context
from localdb.engine import connect, make_engine
from localdb.migrate import alembic_config, downgrade, head_revision, upgrade_to_head
from localdb.models import Base
from tests.raw_store import database_key

KEY = secrets.token_bytes(32)  # the migration tests run on an encrypted file, as the app does


def test_engine_pragmas_and_permissions(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "d")
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert stat.S_IMODE(ctx.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(ctx.db_path.stat().st_mode) == 0o600
    ctx.close()


def test_empty_database_upgraded_to_head_matches_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "a.db", KEY)
    upgrade_to_head(engine, tmp_path / "a.db", KEY)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diff if "expedientes_fts" not in str(d)] == []


def test_alembic_check_reports_no_pending_changes(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    engine = make_engine(db, None)  # alembic's own engine below opens the file plain
    upgrade_to_head(engine, db, None)
    engine.dispose()
    command.check(alembic_config(f"sqlite:///{db}"))  # raises if models and migrations differ


def test_every_revision_upgrades_and_downgrades(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    engine = make_engine(db, KEY)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(reversed(list(script.walk_revisions())))
    for rev in revisions:
        upgrade_to_head(engine, db, KEY, rev.revision)
    downgrade(engine, "base")
    with engine.connect() as conn:
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").all()
    # sqlite_sequence is SQLite's own bookkeeping for AUTOINCREMENT; it cannot be dropped.
    assert {t[0] for t in tables} <= {"alembic_version", "sqlite_sequence"}
    upgrade_to_head(engine, db, KEY)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == \
            head_revision()


def test_migrating_an_existing_database_copies_it_aside(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    engine = make_engine(db, KEY)
    script = ScriptDirectory.from_config(alembic_config())
    first = list(script.walk_revisions())[-1].revision
    upgrade_to_head(engine, db, KEY, first)
    backup = upgrade_to_head(engine, db, KEY)
    if first == head_revision():
        assert backup is None  # nothing to migrate, nothing copied
    else:
        assert backup is not None and backup.exists()


def test_captured_answers_are_immutable_and_audit_is_append_only(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "d")
    with ctx.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log(at, actor, action, entity, detail, "
                          "prev_hash, hash)"
                          " VALUES ('2026-01-01', 'a', 'x', '', '{}', '0', '1')"))
    with pytest.raises(Exception, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor='b'"))
    with pytest.raises(Exception, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    ctx.close()


def test_fts_index_follows_inserts(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "d")
    raw = connect(ctx.db_path, ctx.keys.database)
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute(
        "INSERT INTO expedientes(uuid, folio, tramite_homoclave, tramite_version, answers, "
        "requisitos, cobros, total_centavos, nombre, curp, rfc, status, created_by, captured_at, "
        "origin_machine, content_sha256, sync_state, print_count) "
        "VALUES ('u1','HMO-V01-2026-000001',"
        "'X',1,'{}','[]','[]',0,'José Peña Núñez','PENJ800101HSRXXX09',NULL,'capturado','op',"
        "'2026-01-01','m','h','pendiente',0)")
    raw.commit()
    hits = raw.execute("SELECT rowid FROM expedientes_fts WHERE expedientes_fts MATCH '\"pena\"*'")
    assert len(hits.fetchall()) == 1  # accents removed by the tokenizer
    with pytest.raises(sqlcipher3.IntegrityError, match="immutable"):
        raw.execute("UPDATE expedientes SET answers='{\"a\":1}' WHERE uuid='u1'")
    raw.close()
    ctx.close()


def test_outbox_ids_are_never_reused_after_upgrading_a_0001_database(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    engine = make_engine(db, KEY)
    upgrade_to_head(engine, db, KEY, "0001")
    row = ("INSERT INTO outbox(kind, entity_uuid, payload, sha256, state, attempts, created_at) "
           "VALUES ('expediente.record', 'u', '{}', 'h', 'pending', 0, '2026-01-01')")
    with engine.begin() as conn:
        for _ in range(3):
            conn.exec_driver_sql(row)
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
    with engine.connect() as conn:
        before = conn.exec_driver_sql(triggers).all()
    upgrade_to_head(engine, db, KEY)
    with engine.connect() as conn:  # table rebuilds in batch mode must not drop a trigger
        after = conn.exec_driver_sql(triggers).all()
        assert set(before) <= set(after) and len(before) >= 6  # later revisions only add
    with engine.begin() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT mutation_id FROM outbox ORDER BY 1")]
        assert ids == [1, 2, 3]  # the rows survived the table rebuild
        conn.exec_driver_sql("DELETE FROM outbox WHERE mutation_id >= 2")
        conn.exec_driver_sql(row)
        assert conn.exec_driver_sql("SELECT max(mutation_id) FROM outbox").scalar() == 4


def test_payment_columns_come_and_go_without_rebuilding_expedientes(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    engine = make_engine(db, KEY)
    upgrade_to_head(engine, db, KEY, "0003")
    schema = "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'expedientes%' ORDER BY 2"
    columns = "SELECT name FROM pragma_table_info('expedientes')"
    with engine.connect() as conn:
        before = conn.exec_driver_sql(schema).all()
        triggers = [r for r in before if r[0] == "trigger"]
    upgrade_to_head(engine, db, KEY, "0004")
    with engine.connect() as conn:
        after = conn.exec_driver_sql(schema).all()
        added = {r[0] for r in conn.exec_driver_sql(columns)}
    assert [r for r in after if r[0] == "trigger"] == triggers and len(triggers) == 4
    assert {"paid_at", "payment_reference", "paid_by"} <= added
    downgrade(engine, "0003")
    with engine.connect() as conn:
        assert conn.exec_driver_sql(schema).all() == before


def _copies(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.stem}.pre-migration-*.db"))


def test_a_migration_without_room_changes_nothing_and_says_so_in_spanish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from desktop.errors import StorageError
    from localdb import migrate

    data = tmp_path / "d"
    open_context(data).close()
    db = data / "ventanilla.db"
    engine = make_engine(db, database_key(data))
    downgrade(engine, "0009")
    engine.dispose()
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(migrate.shutil, "disk_usage",
                        lambda _p: usage._replace(free=db.stat().st_size))
    with pytest.raises(StorageError, match=r"No hay espacio suficiente.*No se modificó nada"):
        open_context(data)
    assert _copies(db) == []
    engine = make_engine(db, database_key(data))
    assert migrate.current_revision(engine) == "0009"
    engine.dispose()


def test_only_the_newest_copy_aside_is_kept(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    open_context(data).close()
    db = data / "ventanilla.db"
    old = db.with_name("ventanilla.pre-migration-20200101-000000.db")
    old.write_bytes(b"an older copy")
    engine = make_engine(db, database_key(data))
    downgrade(engine, "0009")
    engine.dispose()
    open_context(data).close()
    copies = _copies(db)
    assert len(copies) == 1 and copies[0] != old
    said = capsys.readouterr().err
    assert "copia de seguridad" in said and "Almacén actualizado." in said
