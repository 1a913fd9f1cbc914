"""A window whose data folder is put back from an older copy notices it when it opens, before
any sync, from the high-water mark kept outside the folder (desktop/records/high_water.py): its
folio and recibo counters move past the mark, so what it captures and charges before its first
sync reaches the real central on loopback without a single rejection."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from central.models import Expediente as CentralExpediente
from central.models import Recibo
from desktop.context import AppContext, open_context
from desktop.records.copy_at_open import ACTION
from desktop.records.high_water import ENV_STATE_DIR, HighWaterFile
from desktop.records.integrity import altered_folios
from desktop.records.outbox_sequence import folio_counters, recibo_counters
from desktop.records.payments import register_payment
from desktop.records.refolio import ACTION as REFOLIO
from desktop.status import local_status
from localdb.models import AuditEntry, Expediente
from sync.engine import SyncEngine
from tests.cajas import ensure_open_caja
from tests.sync.central_server import CentralServer
from tests.sync.machines import OPERADOR, capture_many, outbox_states


def _put_back_copy(window: AppContext, tmp_path: Path, after_copy: Callable[[AppContext], None],
                   *, whole_disk: bool = False) -> AppContext:
    """Copy the closed folder, let the original go on with `after_copy`, put the copy back; a
    whole disk brings its high-water mark back with it."""
    folder = window.data_dir
    window.close()
    shutil.copytree(folder, tmp_path / "copia")
    mark = HighWaterFile(folder).path
    shutil.copy(mark, tmp_path / "marca.json")
    original = open_context(folder)
    after_copy(original)
    original.close()
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "copia", folder)
    if whole_disk:
        shutil.copy(tmp_path / "marca.json", mark)
    return open_context(folder)


def _pay(ctx: AppContext, uuid: str) -> str:
    with ctx.read() as session:
        folio = session.get_one(Expediente, uuid).folio
    ensure_open_caja(ctx)
    recibo = register_payment(ctx, OPERADOR, folio, "efectivo").recibo_folio
    assert recibo is not None
    return recibo


def _two_captures_and_a_payment(ctx: AppContext) -> None:
    [first, _] = capture_many(ctx, 2, prefix="Después")
    _pay(ctx, first)


def _open_actions(ctx: AppContext) -> list[str]:
    with ctx.read() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.action == ACTION)))


def test_the_copy_is_noticed_at_open_and_its_counters_move_past_the_mark(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    capture_many(window, 3, prefix="Antes")  # never synced: the check needs no platform
    year = next(iter(folio_counters_of(window)))
    restored = _put_back_copy(window, tmp_path, _two_captures_and_a_payment)
    try:
        assert folio_counters_of(restored) == {year: 5}
        with restored.read() as session:
            assert recibo_counters(session) == {year: 1}
            assert session.scalar(select(Expediente.folio).where(
                Expediente.nombre.like("Después%"))) is None  # the copy: they are not here
        assert _open_actions(restored) == [ACTION]
        [nueva] = capture_many(restored, 1, prefix="Nueva")
        with restored.read() as session:
            assert session.get_one(Expediente, nueva).folio.endswith(f"-{year}-000006")
    finally:
        restored.close()

    again = open_context(restored.data_dir)  # opened again: not reported twice
    try:
        assert _open_actions(again) == [ACTION]
        assert folio_counters_of(again) == {year: 6}
    finally:
        again.close()


def folio_counters_of(ctx: AppContext) -> dict[int, int]:
    with ctx.read() as session:
        return folio_counters(session)


def test_a_capture_and_a_payment_made_before_the_first_sync_reach_the_platform(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    [antes] = capture_many(window, 1, prefix="Antes")
    _pay(window, antes)
    SyncEngine(window).run_once(force=True)

    def after_copy(original: AppContext) -> None:
        _two_captures_and_a_payment(original)
        assert SyncEngine(original).run_once(force=True).ok

    restored = _put_back_copy(window, tmp_path, after_copy)
    try:
        [early] = capture_many(restored, 1, prefix="Temprana")
        recibo = _pay(restored, early)
        assert recibo.endswith("-000003")  # recibos 1 and 2 are on the platform

        SyncEngine(restored).run_once(force=True)
        SyncEngine(restored).run_once(force=True)

        assert outbox_states(restored) == {"acked": 4}  # the capture, the payment
        with central.db.read() as session:
            recibos = sorted(session.scalars(select(Recibo.folio)))
        assert [r.rsplit("-", 1)[1] for r in recibos] == ["000001", "000002", "000003"]
        assert len(folio_counters_of(restored)) == 1
        with restored.read() as session:  # the copy got back what was sent after it
            assert session.scalar(select(Expediente.folio).where(
                Expediente.nombre == "Después Número 1 Pérez")) is not None
    finally:
        restored.close()


def test_the_mark_lives_outside_the_data_folder(window: AppContext) -> None:
    capture_many(window, 2)
    mark = HighWaterFile(window.data_dir)
    assert not mark.path.resolve().is_relative_to(window.data_dir.resolve())
    read = mark.read()
    assert read is not None and list(read.folios.values()) == [2] and read.mutation_id == 2


def test_a_mark_that_cannot_be_written_never_stops_a_capture(
        window: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "no-es-carpeta"
    blocker.write_text("")
    monkeypatch.setenv(ENV_STATE_DIR, str(blocker))  # mkdir under a file fails
    folder = window.data_dir
    window.close()
    ctx = open_context(folder)
    try:
        assert len(capture_many(ctx, 1)) == 1
    finally:
        ctx.close()


def _synced_later_captures(original: AppContext) -> None:
    capture_many(original, 2, prefix="Después")
    assert SyncEngine(original).run_once(force=True).ok


def _folio(ctx: AppContext, uuid: str) -> str:
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def test_a_whole_disk_restore_gives_the_early_capture_a_new_folio_and_loses_nothing(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """The mark came back with the disk, so the copy hands out a folio the platform holds for
    another expediente: central refuses it, the window gives it the next free folio, sends it
    again, and says that the citizen's acuse carries the original one."""
    capture_many(window, 3, prefix="Antes")
    assert SyncEngine(window).run_once(force=True).ok
    restored = _put_back_copy(window, tmp_path, _synced_later_captures, whole_disk=True)
    try:
        assert _open_actions(restored) == []  # the mark says nothing: the disk is all old
        [early] = capture_many(restored, 1, prefix="Temprana")
        on_paper = _folio(restored, early)
        assert on_paper.endswith("-000004")  # the platform holds it for "Después Número 0"

        first = SyncEngine(restored).run_once(force=True)
        SyncEngine(restored).run_once(force=True)

        new = _folio(restored, early)
        assert new.endswith("-000006")
        assert f"{on_paper} ahora es {new}" in first.message
        assert outbox_states(restored).get("rejected", 0) == 0
        with central.db.read() as session:
            rows = dict(session.execute(select(CentralExpediente.folio,
                                               CentralExpediente.uuid)).tuples().all())
        assert rows[new] == early and rows[on_paper] != early  # the other record untouched
        assert len(rows) == 6
        with restored.read() as session:
            entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == REFOLIO)))
            assert [(e.entity, e.detail["folio_original"]) for e in entries] == [(new, on_paper)]
            assert altered_folios(session)[1] == []  # verify-audit accepts the new content hash
        assert local_status(restored)["folios_nuevos"] == [
            f"{new} (el acuse impreso dice {on_paper}; reimprímalo)"]
        with pytest.raises(IntegrityError, match="immutable"), restored.write() as session:
            session.execute(update(Expediente).where(Expediente.uuid == early)
                            .values(folio=on_paper))  # the trigger is back
    finally:
        restored.close()


def test_a_payment_made_before_the_first_sync_follows_its_expediente_to_the_new_folio(
        window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    """The early capture was also paid before the first sync: the platform refused the payment
    with the create (the expediente was unknown there). Both are sent again, in order, the
    payment naming the new folio; nothing stays rejected."""
    capture_many(window, 3, prefix="Antes")
    assert SyncEngine(window).run_once(force=True).ok
    restored = _put_back_copy(window, tmp_path, _synced_later_captures, whole_disk=True)
    try:
        [early] = capture_many(restored, 1, prefix="Temprana")
        recibo = _pay(restored, early)

        SyncEngine(restored).run_once(force=True)
        SyncEngine(restored).run_once(force=True)

        new = _folio(restored, early)
        assert new.endswith("-000006")
        # 3 before the copy; the refused create and payment settled; both sent again
        assert outbox_states(restored) == {"acked": 7}
    finally:
        restored.close()
    with central.db.read() as session:
        paid = session.get_one(Recibo, recibo)
        assert paid.expediente_uuid == early and paid.cancelled_at is None
        on_platform = session.get_one(CentralExpediente, early)
        assert (on_platform.folio, on_platform.payment_method) == (new, "efectivo")
