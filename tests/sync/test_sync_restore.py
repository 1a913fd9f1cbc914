"""A window restored from a copy of its data folder, against the real central on loopback: it
notices at the start of a sync, refuses capture until it has resynchronised, never repeats a folio
or a mutation id, re-sends what was done on the copy, and gets back what it sent after the copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from central.models import Expediente as CentralExpediente
from central.models import Recibo
from desktop.context import AppContext, open_context
from desktop.errors import VentanillaError
from desktop.records.expedientes import cancel_folio
from desktop.records.payments import register_payment
from desktop.records.restored_copy import CAPTURE_REFUSED
from desktop.status import local_status
from localdb.models import AuditEntry, Expediente
from sync.engine import SyncEngine
from sync.http import PlatformClient
from sync.machine_token import load_machine_token
from sync.restore import catch_up_if_restored
from tests.cajas import ensure_open_caja
from tests.sync.central_server import CentralServer
from tests.sync.machines import ADMIN, OPERADOR, capture_many, outbox_states, sync_state


def _synced(ctx: AppContext) -> None:
    report = SyncEngine(ctx).run_once(force=True)
    assert report.ok and report.rejected == 0, report.message


def _folios(ctx: AppContext) -> dict[str, str]:
    with ctx.write() as session:
        return dict(session.execute(select(Expediente.folio, Expediente.nombre)).tuples().all())


def _central_rows(central: CentralServer) -> dict[str, tuple[str, str]]:
    with central.db.read() as session:
        rows = session.execute(select(CentralExpediente.folio, CentralExpediente.uuid,
                                      CentralExpediente.status))
        return {r.folio: (r.uuid, r.status) for r in rows}


def _restored_copy(window: AppContext, central: CentralServer, tmp_path: Path) -> AppContext:
    """3 captures synced, a copy of the folder, 2 more captures synced, then the copy put back."""
    capture_many(window, 3, prefix="Antes")
    _synced(window)
    folder = window.data_dir
    window.close()
    shutil.copytree(folder, tmp_path / "copia")
    original = open_context(folder)
    capture_many(original, 2, prefix="Después")
    _synced(original)
    original.close()
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "copia", folder)
    return open_context(folder)


@pytest.fixture
def restored(window: AppContext, central: CentralServer, tmp_path: Path) -> Iterator[AppContext]:
    ctx = _restored_copy(window, central, tmp_path)
    yield ctx
    ctx.close()


def _start_of_sync(ctx: AppContext) -> bool:
    """The restored-copy check every sync run does first."""
    state = sync_state(ctx)
    with PlatformClient(state.server_url or "", load_machine_token(ctx.data_dir)) as client:
        return catch_up_if_restored(ctx, client)


def test_restored_copy_refuses_capture_until_resynced_then_never_repeats_a_folio(
        restored: AppContext, central: CentralServer) -> None:
    prefix = f"{sync_state(restored).oficina}-{sync_state(restored).ventanilla}-"
    assert len(_folios(restored)) == 3  # the copy: the 2 later captures are missing

    assert _start_of_sync(restored) is True
    with pytest.raises(VentanillaError) as refused:
        capture_many(restored, 1, prefix="Bloqueada")
    assert refused.value.message == CAPTURE_REFUSED
    assert local_status(restored)["copia_restaurada"].startswith("sí, detectada el ")

    _synced(restored)
    [new_uuid] = capture_many(restored, 1, prefix="Nueva")
    _synced(restored)

    folios = _folios(restored)
    assert sorted(folio.rsplit("-", 1)[1] for folio in folios) == [
        f"{n:06d}" for n in range(1, 7)]
    assert sorted(n for n in folios.values() if n.startswith("Después")) == [
        "Después Número 0 Pérez", "Después Número 1 Pérez"]
    assert folios[f"{prefix}{_year(folios)}-000006"] == "Nueva Número 0 Pérez"
    central_rows = _central_rows(central)
    assert set(central_rows) == set(folios)  # six folios, each once, the same on both sides
    assert central_rows[f"{prefix}{_year(folios)}-000006"][0] == new_uuid
    assert outbox_states(restored) == {"acked": 4}
    assert local_status(restored)["copia_restaurada"].startswith("detectada el ")
    with restored.write() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("sync.copia_%")).order_by(AuditEntry.id)))
    assert actions == ["sync.copia_restaurada", "sync.copia_resincronizada"]


def test_a_restored_copy_never_repeats_a_recibo_oficial(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """A recibo issued after the copy was made is on the platform: the copy's recibo counter is
    moved past it before its next payment, which central then accepts."""
    [first] = capture_many(window, 1, prefix="Antes")
    ensure_open_caja(window)
    register_payment(window, OPERADOR, _folio_of(window, first), "efectivo")
    _synced(window)
    folder = window.data_dir
    window.close()
    shutil.copytree(folder, tmp_path / "copia")
    original = open_context(folder)
    [second] = capture_many(original, 1, prefix="Después")
    register_payment(original, OPERADOR, _folio_of(original, second), "efectivo")
    _synced(original)
    original.close()
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "copia", folder)
    restored = open_context(folder)
    try:
        _synced(restored)
        [third] = capture_many(restored, 1, prefix="Nueva")
        paid = register_payment(restored, OPERADOR, _folio_of(restored, third), "efectivo")
        _synced(restored)
        assert paid.recibo_folio is not None and paid.recibo_folio.endswith("-000003")
        with central.db.read() as session:
            recibos = sorted(session.scalars(select(Recibo.folio)))
        assert [r.rsplit("-", 1)[1] for r in recibos] == ["000001", "000002", "000003"]
    finally:
        restored.close()


def _folio_of(ctx: AppContext, uuid: str) -> str:
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def test_a_cancellation_made_on_the_restored_copy_is_renumbered_and_reaches_the_platform(
        restored: AppContext, central: CentralServer) -> None:
    first = min(_folios(restored))
    cancel_folio(restored, ADMIN, first, "Captura duplicada en la copia")

    _synced(restored)

    assert outbox_states(restored) == {"acked": 4}  # 3 creates, the cancellation; no conflict
    assert _central_rows(central)[first][1] == "anulado"
    assert len(_folios(restored)) == 5


def _year(folios: dict[str, str]) -> int:
    return int(next(iter(folios)).split("-")[2])


def test_a_capture_made_before_the_copy_is_noticed_reaches_the_platform(
        restored: AppContext, central: CentralServer) -> None:
    [early] = capture_many(restored, 1, prefix="Temprana")  # before any sync: not yet noticed

    SyncEngine(restored).run_once(force=True)
    SyncEngine(restored).run_once(force=True)

    assert early in {uuid for uuid, _ in _central_rows(central).values()}
    assert outbox_states(restored).get("rejected", 0) == 0
