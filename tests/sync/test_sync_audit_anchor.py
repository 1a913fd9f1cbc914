"""The audit chain's head reaches the real central on loopback with every push (also when only
audit rows changed), comes back in GET /v1/sync/state, and anchors the window's chain: rows cut
off the end — even with the local anchor forged to match — are named after the next sync."""

from __future__ import annotations

from sqlalchemy import select

from central.models import Machine
from desktop.context import AppContext
from desktop.records.audit import (
    HEAD_SETTING,
    PLATFORM_HEAD_SETTING,
    Head,
    append_audit,
    chain_head,
    read_head,
)
from desktop.records.audit_verify import verify_chain
from sync.engine import SyncEngine
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.restore import STATE_PATH
from tests.raw_store import raw_connect
from tests.sync.central_server import CentralServer
from tests.sync.machines import capture_many, sync_state
from wire.protocol import SyncStateResponse


def _synced(ctx: AppContext) -> None:
    report = SyncEngine(ctx).run_once(force=True)
    assert report.ok and report.rejected == 0, report.message


def _local_head(ctx: AppContext) -> Head:
    with ctx.read() as session:
        head = chain_head(session)
    assert head is not None
    return head


def _central_head(central: CentralServer, machine_id: str) -> tuple[int | None, str | None]:
    with central.db.read() as session:
        row = session.scalars(select(Machine).where(Machine.id == machine_id)).one()
        return row.audit_head_seq, row.audit_head_mac


def _state_answer(ctx: AppContext) -> SyncStateResponse:
    state = sync_state(ctx)
    with PlatformClient(state.server_url or "", load_machine_token(ctx.data_dir)) as client:
        return client.get_json(STATE_PATH, SyncStateResponse)


def test_the_head_reaches_central_and_comes_back_in_sync_state(
        window: AppContext, central: CentralServer) -> None:
    machine_id = sync_state(window).machine_id
    capture_many(window, 2)
    head = _local_head(window)
    _synced(window)
    assert _central_head(central, machine_id) == (head.seq, head.mac)
    answer = _state_answer(window)
    assert answer.audit_head is not None
    assert (answer.audit_head.seq, answer.audit_head.mac) == (head.seq, head.mac)

    with window.write() as session:  # an audit row with no mutation behind it (a reprint)
        append_audit(session, "operador", "documento.impreso", "x")
    later = _local_head(window)
    assert later.seq > head.seq
    _synced(window)
    assert _central_head(central, machine_id) == (later.seq, later.mac)
    with window.read() as session:
        assert read_head(session, PLATFORM_HEAD_SETTING) == later
        assert verify_chain(session).ok


def test_rows_cut_off_with_a_forged_local_anchor_are_named_after_the_next_sync(
        window: AppContext, central: CentralServer) -> None:
    capture_many(window, 3)
    _synced(window)
    head = _local_head(window)
    cut = head.seq - 2
    db = raw_connect(window)
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute(f"DELETE FROM audit_log WHERE id > {cut}")
    forged_mac = db.execute(f"SELECT mac FROM audit_log WHERE id = {cut}").fetchone()[0]
    db.execute("UPDATE settings SET value = ? WHERE key = ?",
               (f'{{"seq": {cut}, "mac": "{forged_mac}"}}', HEAD_SETTING))
    db.execute("DELETE FROM settings WHERE key = ?", (PLATFORM_HEAD_SETTING,))
    db.commit()
    db.close()
    with window.read() as session:
        assert verify_chain(session).ok  # locally consistent: only the platform knows better

    _synced(window)
    with window.read() as session:
        report = verify_chain(session)
    assert not report.ok and report.first_broken_id == cut + 1
    assert f"faltan los registros {cut + 1} a {head.seq}" in (report.problem or "")
    assert "según la plataforma" in (report.problem or "")
