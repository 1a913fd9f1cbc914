"""Revision 0011: the naive local times older releases stored become UTC (read as the machine's
local clock), the content hash of an older capture still verifies, the audit log keeps its rows
(and says from which row on they are UTC), and the immutability trigger is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.records.audit import UTC_FROM_SETTING
from desktop.records.integrity import recomputed_sha256
from localdb.migrate import downgrade, upgrade_to_head
from localdb.models import Expediente, SyncState
from tests.demo_office import open_demo_office
from tests.raw_store import raw_store
from tests.test_office_time import LATE_IN_HERMOSILLO, _capture_at
from wire.canonical import payload_sha256
from wire.payloads import ExpedienteContent


@pytest.fixture
def hermosillo_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local clock on Hermosillo time (UTC-7), as the older release ran there."""
    monkeypatch.setenv("TZ", "America/Hermosillo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _stored(data: Path) -> tuple[str, str | None, str | None]:
    raw = raw_store(data)
    try:
        captured, paid = raw.execute("SELECT captured_at, paid_at FROM expedientes").fetchone()
        utc_from = raw.execute("SELECT value FROM settings WHERE key = ?",
                               (UTC_FROM_SETTING,)).fetchone()
        return captured, paid, utc_from[0] if utc_from else None
    finally:
        raw.close()


def test_local_times_become_utc_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hermosillo_clock: None,
) -> None:
    data = tmp_path / "d"
    ctx = open_demo_office(data)
    _capture_at(ctx, monkeypatch, LATE_IN_HERMOSILLO)
    downgrade(ctx.engine, "0014")  # the store as the older release kept it: local time
    captured, _, utc_from = _stored(data)
    assert captured.startswith("2026-07-15 23:30:00") and utc_from is None
    raw = raw_store(data)
    audit_rows = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    audit_at = raw.execute("SELECT at FROM audit_log ORDER BY id").fetchall()
    raw.close()

    upgrade_to_head(ctx.engine, ctx.db_path, ctx.keys.database)
    captured, _, utc_from = _stored(data)
    assert captured.startswith("2026-07-16 06:30:00")
    assert utc_from == str(audit_rows + 1)  # every older audit row keeps its local clock
    raw = raw_store(data)
    try:
        assert raw.execute("SELECT at FROM audit_log ORDER BY id").fetchall() == audit_at
        legacy = raw.execute("SELECT captured_at_legacy FROM expedientes").fetchone()[0]
        assert legacy == "2026-07-15T23:30:00"
        with pytest.raises(Exception, match="immutable"):
            raw.execute("UPDATE expedientes SET captured_at = '2030-01-01 00:00:00.000000'")
    finally:
        raw.close()
    ctx.close()


def test_the_hash_of_a_capture_made_before_utc_still_verifies() -> None:
    """An older release hashed captured_at as naive local text; 0011 keeps that text."""
    content = {
        "uuid": "01890a5d-ac96-774b-bcce-b302099a8057", "folio": "HMO-V01-2026-000001",
        "tramite_homoclave": "HMO-SPM-001", "tramite_version": 1, "answers": {"nombre": "Ana"},
        "requisitos": [], "cobros": [], "total": "0.00", "nombre": "Ana", "curp": None,
        "rfc": None, "created_by": "operador", "captured_at": datetime(2026, 7, 15, 23, 30),
        "origin_machine": "M1", "oficina": "HMO", "ventanilla": "V01", "attachments": []}
    old_hash = payload_sha256(ExpedienteContent.model_validate(content).model_dump(mode="json"))
    row = Expediente(
        uuid=content["uuid"], folio=content["folio"], tramite_homoclave="HMO-SPM-001",
        tramite_version=1, answers={"nombre": "Ana"}, requisitos=[], cobros=[],
        total_centavos=0, nombre="Ana", curp=None, rfc=None, created_by="operador",
        captured_at=datetime(2026, 7, 15, 23, 30) + timedelta(hours=7),  # as 0011 left it
        captured_at_legacy="2026-07-15T23:30:00", origin_machine="M1", content_sha256=old_hash)
    state = SyncState(id=1, machine_id="M1", oficina="HMO", ventanilla="V01")
    assert recomputed_sha256(row, [], state) == old_hash
    row.captured_at_legacy = None  # without the kept text, the UTC value hashes differently
    assert recomputed_sha256(row, [], state) != old_hash
