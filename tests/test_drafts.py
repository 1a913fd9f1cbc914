"""Borradores: save, list, resume, and capture from a draft removes it."""

from __future__ import annotations

from pathlib import Path

from desktop.capture.drafts import DraftInput, list_drafts, load_draft, save_draft
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from tests.factories import write_png
from tests.test_capture import OPERADOR, _first_tramite, _request


def test_draft_round_trip_and_capture_consumes_it(demo_ctx, tmp_path: Path) -> None:
    tramite, _ = _first_tramite(demo_ctx)
    from desktop.capture.service import AttachmentInput

    draft = DraftInput(tramite.homoclave, tramite.version, {"nombre_solicitante": "Lupita"},
                       [RequisitoAnswer(tramite.requisitos[0].clave, True)],
                       [AttachmentInput(write_png(tmp_path / "a.png"), "a.png")])
    uuid = save_draft(demo_ctx, OPERADOR, draft)
    with demo_ctx.write() as s:
        listed = list_drafts(s, "operador")
        resumed = load_draft(s, uuid, demo_ctx.blob_dir)
    assert [d.uuid for d in listed] == [uuid] and listed[0].tramite_nombre == tramite.nombre
    assert resumed.answers == {"nombre_solicitante": "Lupita"}
    assert resumed.version == tramite.version and resumed.attachments[0].path.exists()
    save_draft(demo_ctx, OPERADOR, DraftInput(**{**resumed.__dict__, "answers": {"x": "y"}}))
    with demo_ctx.write() as s:
        assert load_draft(s, uuid, demo_ctx.blob_dir).answers == {"x": "y"}
    full = _request(demo_ctx, tmp_path)
    capture_expediente(demo_ctx, OPERADOR, CaptureRequest(**{**full.__dict__, "draft_uuid": uuid}))
    with demo_ctx.write() as s:
        assert list_drafts(s, "operador") == []
