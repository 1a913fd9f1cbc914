"""Borradores: answers in progress, pinned to the trámite version they were started on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.capture.blobs import blob_path, store_file
from desktop.capture.service import AttachmentInput, RequisitoAnswer
from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.errors import NotFound
from desktop.ids import uuid7
from localdb.models import Draft, Tramite
from wire.times import office_time, utc_now


@dataclass(frozen=True)
class DraftInput:
    homoclave: str
    version: int
    answers: dict[str, Any]
    requisitos: list[RequisitoAnswer] = field(default_factory=list)
    attachments: list[AttachmentInput] = field(default_factory=list)
    uuid: str | None = None


@dataclass(frozen=True)
class DraftSummary:
    uuid: str
    homoclave: str
    version: int
    tramite_nombre: str
    nombre: str
    updated_at: datetime


def save_draft(ctx: AppContext, user: CurrentUser, draft: DraftInput) -> str:
    """Create or overwrite a borrador; attachments go to the blob store like captured ones."""
    require(user, Permission.CAPTURE)
    with ctx.read() as session:
        get_tramite(session, draft.homoclave, draft.version)
        max_bytes = current_bundle(session).max_anexo_mb * 1_048_576
    files = []
    for a in draft.attachments:
        blob = store_file(ctx.blobs, a.path, max_bytes)
        files.append({"sha256": blob.sha256, "filename": a.filename, "mime": blob.mime,
                      "campo": a.campo})
    uuid = draft.uuid or uuid7()
    with ctx.write() as session:
        row = session.get(Draft, uuid) or Draft(uuid=uuid, created_by=user.username)
        row.tramite_homoclave, row.tramite_version = draft.homoclave, draft.version
        row.answers = dict(draft.answers)
        row.requisitos = [{"clave": r.clave, "recibido": r.recibido, "nota": r.nota}
                          for r in draft.requisitos]
        row.attachments = files
        row.updated_at = utc_now()
        session.add(row)
    return uuid


def list_drafts(session: Session, username: str) -> list[DraftSummary]:
    rows = session.execute(
        select(Draft, Tramite.nombre)
        .join(Tramite, (Tramite.homoclave == Draft.tramite_homoclave)
              & (Tramite.version == Draft.tramite_version))
        .where(Draft.created_by == username)
        .order_by(Draft.updated_at.desc())
    ).all()
    zone = office_zone(session)
    return [DraftSummary(d.uuid, d.tramite_homoclave, d.tramite_version, nombre,
                         _applicant_hint(d.answers), office_time(d.updated_at, zone))
            for d, nombre in rows]


def _applicant_hint(answers: dict[str, Any]) -> str:
    for key in ("nombre_solicitante", "nombre", "razon_social"):
        if answers.get(key):
            return str(answers[key])
    return ""


def load_draft(session: Session, uuid: str, blob_dir: Path) -> DraftInput:
    row = session.get(Draft, uuid)
    if row is None:
        raise NotFound("El borrador ya no existe; tal vez se capturó o se eliminó.")
    return DraftInput(
        uuid=row.uuid, homoclave=row.tramite_homoclave, version=row.tramite_version,
        answers=dict(row.answers),
        requisitos=[RequisitoAnswer(r["clave"], r["recibido"], r.get("nota", ""))
                    for r in row.requisitos],
        attachments=[AttachmentInput(blob_path(blob_dir, f["sha256"]), f["filename"],
                                     f["mime"], f.get("campo")) for f in row.attachments],
    )


def delete_draft(ctx: AppContext, user: CurrentUser, uuid: str) -> None:
    require(user, Permission.CAPTURE)
    with ctx.write() as session:
        row = session.get(Draft, uuid)
        if row is not None:
            session.delete(row)
