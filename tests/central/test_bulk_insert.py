"""central.bulk_insert writes what a Core insert writes, counts what it inserted, and refuses
what the column refuses (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import String, cast, insert, select
from sqlalchemy.exc import DBAPIError

from central import admin
from central.bulk_insert import insert_rows
from central.db import Database
from central.models import Expediente, Machine, table_of

OFFICE = "BLK"


def _row(n: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uuid": f"00000000-0000-4000-8000-{n:012d}", "folio": f"{OFFICE}-V01-2026-{n:06d}",
        "office": OFFICE, "machine_id": "m1", "tramite_homoclave": "TES-PRED-001",
        "total": "150.00", "payload": {"n": n, "nombre": "Peña \"Ñoño\" \\ \u00e1", "l": [1, None]},
        "content_sha256": "a" * 64, "status": "recibido", "note": None,
        "official_folio": None, "received_at": datetime(2026, 3, 2, 10, 30, 0, 123456),
        "archivo_folio": None, "archivo_fecha": date(2020, 1, 31) if n % 2 else None,
    }
    row.update(changes)
    return row


@pytest.fixture
def db(central_db_url: str) -> Database:
    database = Database(central_db_url)
    admin.init_platform(database)
    admin.create_office(database, OFFICE, "Oficina", "Hermosillo")
    with database.write() as session:
        session.add(Machine(id="m1", office=OFFICE, ventanilla="V01", token_sha256="0" * 64))
    return database


def _stored(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(select(table_of(Expediente))
                                                  .order_by(Expediente.uuid))]


def test_rows_read_back_as_a_core_insert_writes_them(db: Database) -> None:
    with db.write() as session:
        assert insert_rows(session, table_of(Expediente), [_row(1), _row(2)]) == 2
        session.execute(insert(table_of(Expediente)), [_row(3), _row(4)])
    stored = _stored(db)
    ours, core = stored[:2], stored[2:]
    columns = [c.name for c in table_of(Expediente).columns]
    for mine, theirs in zip(ours, core, strict=True):
        a, b = dict(zip(columns, mine, strict=True)), dict(zip(columns, theirs, strict=True))
        for key in ("uuid", "folio", "payload"):
            a.pop(key), b.pop(key)
        assert a == b
    assert dict(zip(columns, ours[0], strict=True))["payload"] == _row(1)["payload"]
    db.dispose()


def test_instants_are_stored_as_the_same_text_a_core_insert_stores(db: Database) -> None:
    """A whole second (no microseconds) too: sqlite3's own adapter would drop the fraction."""
    whole = datetime(2026, 3, 2, 10, 30, 0)
    with db.write() as session:
        insert_rows(session, table_of(Expediente), [_row(1, received_at=whole),
                                                     _row(2, received_at=whole)])
        session.execute(insert(table_of(Expediente)), [_row(3, received_at=whole)])
    text = cast(table_of(Expediente).c.received_at, String)
    with db.read() as session:
        stored = session.scalars(select(text).order_by(Expediente.uuid)).all()
    assert stored[0] == stored[1] == stored[2]
    db.dispose()


def test_conflicts_are_skipped_and_not_counted(db: Database) -> None:
    with db.write() as session:
        insert_rows(session, table_of(Expediente), [_row(1)])
    with db.write() as session:
        inserted = insert_rows(session, table_of(Expediente), [_row(1), _row(2)],
                               ignore_conflict_on="uuid")
    assert inserted == 1
    assert len(_stored(db)) == 2
    db.dispose()


def test_a_value_too_long_for_its_column_is_refused_not_cut(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    with pytest.raises(DBAPIError), db.write() as session:
        insert_rows(session, table_of(Expediente), [_row(1, total="9" * 30)])
    assert _stored(db) == []
    db.dispose()


def test_nothing_to_insert_inserts_nothing(db: Database) -> None:
    with db.write() as session:
        assert insert_rows(session, table_of(Expediente), []) == 0
    db.dispose()
