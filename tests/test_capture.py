"""Capture writes expediente, attachments, outbox and audit in one transaction — or nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import event, func, select

import desktop.capture.service as capture_mod
from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.capture.blobs import blob_path
from desktop.capture.service import (
    AttachmentInput,
    CaptureRequest,
    RequisitoAnswer,
    capture_expediente,
)
from desktop.errors import ValidationFailed, VentanillaError
from localdb.models import (
    Attachment,
    AuditEntry,
    Expediente,
    FolioCounter,
    OutboxEntry,
    SyncState,
)
from tests.factories import archivo_campos, make_curp, valid_answers, write_png
from wire.canonical import payload_sha256
from wire.payloads import ExpedientePayload

OPERADOR = CurrentUser("operador", "Ana Lucía Valenzuela (DEMO)", Role.OPERADOR)


def _first_tramite(ctx):
    with ctx.write() as s:
        summary = search_tramites(s, "")[0]
        return get_tramite(s, summary.homoclave), current_bundle(s).clave_catastral_patron


def _request(ctx, tmp_path: Path, **overrides) -> CaptureRequest:
    tramite, patron = _first_tramite(ctx)
    files = [AttachmentInput(write_png(tmp_path / f"{c}.png"), f"{c}.png", campo=c)
             for c in archivo_campos(tramite)]
    files.append(AttachmentInput(write_png(tmp_path / "ine.png"), "INE frente.png"))
    base = dict(homoclave=tramite.homoclave, answers=valid_answers(tramite, patron),
                requisitos=[RequisitoAnswer(r.clave, True) for r in tramite.requisitos],
                attachments=files)
    base.update(overrides)
    return CaptureRequest(**base)


def _counts(ctx) -> tuple[int, int, int, int]:
    with ctx.write() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Expediente, OutboxEntry, Attachment, FolioCounter))


def test_capture_writes_everything_with_a_folio(demo_ctx, tmp_path: Path) -> None:
    result = capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path))
    assert re.fullmatch(r"HMO-V01-\d{4}-000001", result.folio)
    with demo_ctx.write() as s:
        exp = s.get(Expediente, result.uuid)
        assert exp.folio == result.folio and exp.nombre == "José Peña Núñez"
        assert exp.curp == make_curp() and exp.sync_state == "pendiente"
        outbox = s.scalars(select(OutboxEntry)).one()
        payload = json.loads(outbox.payload)
        assert outbox.kind == "expediente.create" and outbox.entity_uuid == result.uuid
        assert outbox.sha256 == payload_sha256(payload)
        ExpedientePayload.model_validate(payload)  # the wire contract holds
        assert payload["content_sha256"] == exp.content_sha256 == result.content_sha256
        hashes = {a.sha256 for a in s.scalars(select(Attachment))}
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == result.folio)).one()
    assert audit.action == "expediente.capturado"
    assert hashes and all(blob_path(demo_ctx.blob_dir, h).exists() for h in hashes)


def test_folios_are_sequential_per_year(demo_ctx, tmp_path: Path) -> None:
    folios = [capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path)).folio
              for _ in range(3)]
    assert [f[-6:] for f in folios] == ["000001", "000002", "000003"]


def test_invalid_curp_is_refused_and_nothing_is_written(demo_ctx, tmp_path: Path) -> None:
    tramite, patron = _first_tramite(demo_ctx)
    curp_field = next(c.clave for c in tramite.campos if c.tipo == "curp")
    answers = valid_answers(tramite, patron) | {curp_field: "PENJ800101HSRXXS0Z"}
    before = _counts(demo_ctx)
    with pytest.raises(ValidationFailed) as refused:
        capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path, answers=answers))
    assert "CURP" in refused.value.errors[curp_field]
    assert _counts(demo_ctx) == before


def test_required_requisito_needs_tick_or_pending_note(demo_ctx, tmp_path: Path) -> None:
    tramite, _ = _first_tramite(demo_ctx)
    required = [r for r in tramite.requisitos if r.obligatorio]
    unticked = [RequisitoAnswer(r.clave, False) for r in required]
    with pytest.raises(ValidationFailed) as refused:
        capture_expediente(demo_ctx, OPERADOR,
                           _request(demo_ctx, tmp_path, requisitos=unticked))
    assert f"requisito:{required[0].clave}" in refused.value.errors
    pending = [RequisitoAnswer(r.clave, False, "Lo entrega el lunes") for r in required]
    result = capture_expediente(demo_ctx, OPERADOR,
                                _request(demo_ctx, tmp_path, requisitos=pending))
    with demo_ctx.write() as s:
        assert s.get(Expediente, result.uuid).requisitos[0]["nota"] == "Lo entrega el lunes"


def test_failure_inside_the_transaction_leaves_no_trace(demo_ctx, tmp_path: Path,
                                                        monkeypatch) -> None:
    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk went away")

    before = _counts(demo_ctx)
    monkeypatch.setattr(capture_mod, "append_audit", broken_audit)
    with pytest.raises(RuntimeError):
        capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path))
    assert _counts(demo_ctx) == before  # no expediente, no outbox row, no folio burnt


def test_attachment_over_limit_or_wrong_type_is_refused(demo_ctx, tmp_path: Path) -> None:
    fake = tmp_path / "virus.png"
    fake.write_bytes(b"MZ\x90\x00 not an image")
    with pytest.raises(VentanillaError, match="no es PDF, JPG ni PNG"):
        capture_expediente(demo_ctx, OPERADOR, _request(
            demo_ctx, tmp_path, attachments=[AttachmentInput(fake, "virus.png")]))
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1_048_576))
    with pytest.raises(VentanillaError, match="el máximo es"):
        capture_expediente(demo_ctx, OPERADOR, _request(
            demo_ctx, tmp_path, attachments=[AttachmentInput(big, "big.pdf")]))
    assert _counts(demo_ctx)[0] == 0


def test_full_disk_says_so_in_spanish_and_writes_nothing(demo_ctx, tmp_path: Path) -> None:
    """SQLITE_FULL from a real write: the database may not grow by a single page."""
    capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path))
    before = _counts(demo_ctx)

    @event.listens_for(demo_ctx.engine, "connect")
    def _cap_size(dbapi_conn, _record) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    demo_ctx.engine.dispose()  # new connections get the cap
    big = _request(demo_ctx, tmp_path)
    try:
        with pytest.raises(VentanillaError, match="El disco del equipo está lleno"):
            for _ in range(50):  # until the database needs a new page
                capture_expediente(demo_ctx, OPERADOR, big)
                before = _counts(demo_ctx)
        assert _counts(demo_ctx) == before  # the refused capture left nothing behind
    finally:
        event.remove(demo_ctx.engine, "connect", _cap_size)
        demo_ctx.engine.dispose()
    capture_expediente(demo_ctx, OPERADOR, _request(demo_ctx, tmp_path))  # room again: works


def test_a_capture_outside_the_wire_contract_fails_here_and_writes_nothing(
        demo_ctx, tmp_path: Path) -> None:
    """The payload is built as wire.ExpedientePayload: central never sees one that cannot fit."""
    request = _request(demo_ctx, tmp_path)
    with demo_ctx.write() as s:
        s.get_one(SyncState, 1).ventanilla = "V" * 65
    before = _counts(demo_ctx)
    with pytest.raises(ValidationError, match="ventanilla"):
        capture_expediente(demo_ctx, OPERADOR, request)
    assert _counts(demo_ctx) == before
