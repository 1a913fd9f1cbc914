"""Central's Alembic migrations on SQLite and PostgreSQL: head equals the models, every revision
goes up and down, and a database made before migrations is upgraded in place with its rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from central import admin, migrate
from central.__main__ import main
from central.db import Database
from central.models import Base, Machine
from central.security import new_keypair_pem, sha256_hex
from tests.central.premigration_schema import LATE_COLUMNS, premigration_metadata
from tests.central.serve_process import ServeProcess
from tests.central_harness import running_central

OLD_EPOCH = "epoca-anterior-1"
OLD_TOKEN = "token-de-la-ventanilla-v01"


@pytest.fixture()
def db(central_db_url: str) -> Iterator[Database]:
    database = Database(central_db_url)
    yield database
    database.dispose()


def schema_diffs(db: Database) -> list[Any]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def revision_of(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return migrate.current_revision(conn)


def test_empty_database_upgrades_to_exactly_the_models(db: Database) -> None:
    result = migrate.upgrade(db)

    assert (result.before, result.after, result.adopted) == (None, migrate.head_revision(), False)
    assert schema_diffs(db) == []
    assert migrate.upgrade(db).describe() == f"Base de datos al día (revisión {result.after})."


def test_every_revision_upgrades_and_downgrades(db: Database) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(reversed(list(script.walk_revisions("base", "heads"))))
    assert revisions[0].revision == "0001" and revisions[-1].revision == script.get_current_head()

    for rev in revisions:
        below = rev.down_revision or "base"
        migrate.upgrade(db, rev.revision)
        assert revision_of(db) == rev.revision
        migrate.downgrade(db, below)
        assert revision_of(db) == (None if below == "base" else below)
        migrate.upgrade(db, rev.revision)

    migrate.downgrade(db, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db)
    assert schema_diffs(db) == []


def create_premigration_database(db: Database, *, late_columns: bool) -> None:
    """What `central init` left before migrations, with a platform, an office, a machine, an
    expediente and a change that the office's windows still have to pull."""
    md = premigration_metadata(late_columns=late_columns)
    md.create_all(db.engine)
    private, public = new_keypair_pem()
    now = datetime(2025, 3, 1, 10, 30)
    with db.engine.begin() as conn:
        _insert(conn, md, "platform", id=1, private_key_pem=private, public_key_pem=public,
                epoch=OLD_EPOCH, created_at=now)
        _insert(conn, md, "offices", clave="HMO01", nombre="Catastro Centro",
                municipio="Hermosillo")
        _insert(conn, md, "scope_counters", scope="HMO01", version=1)
        _insert(conn, md, "machines", id="M-V01", office="HMO01", ventanilla="V01",
                token_sha256=sha256_hex(OLD_TOKEN), receipt_public_key="", hostname="caja1",
                app_version="0.1.0", last_mutation_id=4, pending=0, enrolled_at=now,
                last_seen=None)
        _insert(conn, md, "expedientes", uuid="E-1", folio="HMO01-V01-000001", office="HMO01",
                machine_id="M-V01", tramite_homoclave="CAT-001", total="150.00",
                payload={"folio": "HMO01-V01-000001"}, content_sha256="0" * 64,
                status="validado", note=None, official_folio="OF-7", received_at=now)
        _insert(conn, md, "changes", scope="HMO01", version=1, kind="expediente.status",
                entity_uuid="E-1", origin_machine="M-OTRA", created_at=now,
                data={"uuid": "E-1", "folio": "HMO01-V01-000001", "status": "validado",
                      "note": None, "official_folio": "OF-7"})


def _insert(conn: Any, md: MetaData, table: str, **values: Any) -> None:
    conn.execute(insert(md.tables[table]).values(**values))


@pytest.mark.parametrize("late_columns", [True, False], ids=["last", "oldest"])
def test_premigration_database_is_upgraded_in_place_by_init(
    db: Database, central_db_url: str, capsys: pytest.CaptureFixture[str], late_columns: bool
) -> None:
    create_premigration_database(db, late_columns=late_columns)

    assert main(["init", "--db", central_db_url]) == 0
    out = capsys.readouterr().out.splitlines()

    assert out == [
        f"Plataforma ya inicializada; época {OLD_EPOCH}",
        "Base de datos anterior a las migraciones: conservada y actualizada a la revisión "
        f"{migrate.head_revision()}.",
    ]
    assert revision_of(db) == migrate.head_revision()
    assert schema_diffs(db) == []
    with running_central(central_db_url) as url:
        pulled = requests.get(f"{url}/v1/sync/pull", params={"cursor": 0, "epoch": OLD_EPOCH},
                              headers={"Authorization": f"Bearer {OLD_TOKEN}"}, timeout=30)
    assert pulled.status_code == 200
    assert [(c["version"], c["data"]["official_folio"]) for c in pulled.json()["changes"]] == [
        (1, "OF-7")]
    assert main(["machines", "--db", central_db_url]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:4] == ["M-V01", "HMO01", "V01", "4"]


def test_serve_upgrades_a_premigration_database_before_answering(db: Database,
                                                                 central_db_url: str) -> None:
    create_premigration_database(db, late_columns=False)
    server = ServeProcess(central_db_url)
    try:
        server.wait_ready()
        pulled = requests.get(f"{server.url}/v1/sync/pull", params={"cursor": 0},
                              headers={"Authorization": f"Bearer {OLD_TOKEN}"}, timeout=30)
    finally:
        stderr = server.stop()
    assert "conservada y actualizada" in stderr
    assert pulled.status_code == 200 and pulled.json()["epoch"] == OLD_EPOCH
    assert revision_of(db) == migrate.head_revision()


def test_oldest_database_gets_the_columns_it_lacked(db: Database, central_db_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    create_premigration_database(db, late_columns=False)
    assert main(["migrate", "--db", central_db_url]) == 0
    assert "conservada y actualizada" in capsys.readouterr().out

    inspector = inspect(db.engine)
    for table, columns in LATE_COLUMNS.items():
        assert set(columns) <= {c["name"] for c in inspector.get_columns(table)}
    assert main(["migrate", "--db", central_db_url]) == 0
    assert capsys.readouterr().out == (
        f"Base de datos al día (revisión {migrate.head_revision()}).\n")


def test_partial_database_is_refused_not_patched(db: Database, central_db_url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    md = premigration_metadata()
    md.tables["offices"].create(db.engine)

    assert main(["init", "--db", central_db_url]) == 1
    err = capsys.readouterr().err
    assert "solo parte de las tablas" in err and "platform" in err
    assert set(inspect(db.engine).get_table_names()) == {"offices"}


def test_sqlite_rebuilds_a_referenced_table_keeping_rows_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'central.db'}")
    try:
        admin.init_platform(db)
        admin.create_office(db, "HMO01", "Catastro Centro")
        with db.write() as session:
            session.add(Machine(id="M-V01", office="HMO01", ventanilla="V01", token_sha256="t"))
        with db.migration_connection() as conn:  # what a batch-mode revision does to `offices`
            operations = Operations(MigrationContext.configure(conn))
            with operations.batch_alter_table("offices", recreate="always") as batch:
                batch.add_column(Column("telefono", String(20), nullable=True))

        with db.read() as session:
            assert session.scalars(select(Machine.office)).all() == ["HMO01"]
        with pytest.raises(IntegrityError), db.write() as session:  # enforced again
            session.add(Machine(id="M-X", office="NOPE", ventanilla="V09", token_sha256="x"))
    finally:
        db.dispose()


def test_sqlite_migration_with_orphaned_rows_is_refused(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    db = Database(db_url)
    try:
        create_premigration_database(db, late_columns=True)
        with db.migration_connection() as conn:  # foreign keys off: an orphan slips in
            conn.execute(insert(Machine).values(
                id="M-HUERFANA", office="BORRADA", ventanilla="V09", token_sha256="h",
                receipt_public_key="", hostname="", app_version="", last_mutation_id=0,
                enrolled_at=datetime(2025, 1, 1)))

        assert main(["migrate", "--db", db_url]) == 1
        assert capsys.readouterr().err == (
            "error: La migración dejaría referencias rotas en machines; no se aplicó.\n")
        assert "alembic_version" not in inspect(db.engine).get_table_names()
    finally:
        db.dispose()
