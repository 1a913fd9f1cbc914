"""Client-side helpers for the sync integration tests: enrolled windows, captures, bundles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from central.db import Database
from central.models import Expediente as CentralExpediente
from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.capture.service import (
    AttachmentInput,
    CaptureRequest,
    RequisitoAnswer,
    capture_expediente,
)
from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SyncState
from sync.enroll import enroll
from tests.demo_office import open_demo_office
from tests.factories import PNG_1PX, archivo_campos, valid_answers
from tests.sync.central_server import CentralServer
from tests.sync.central_server import demo_payload as demo_payload  # re-exported
from tests.sync.central_server import publish_bundle as publish_bundle  # re-exported

ADMIN = CurrentUser("admin", "María Fernanda Ochoa", Role.ADMIN)
OPERADOR = CurrentUser("operador", "Ana Lucía Valenzuela", Role.OPERADOR)
PLAIN_TRAMITE = "HMO-TM-001"  # no archivo campo
ARCHIVO_TRAMITE = "HMO-DUE-001"  # one archivo campo


def enrolled_context(data_dir: Path, server: CentralServer, ventanilla: str = "V01") -> AppContext:
    ctx = open_demo_office(data_dir)
    enroll(ctx, ADMIN, server.url, server.enroll_code(ventanilla))
    return ctx


def _request(ctx: AppContext, homoclave: str, files: list[AttachmentInput],
             nombre: str) -> CaptureRequest:
    with ctx.write() as session:
        tramite = get_tramite(session, homoclave, None)
        patron = current_bundle(session).clave_catastral_patron
    campos = archivo_campos(tramite)
    attachments = [AttachmentInput(f.path, f.filename, f.mime, campos[i] if i < len(campos)
                                   else None) for i, f in enumerate(files)]
    return CaptureRequest(homoclave=homoclave, answers=valid_answers(tramite, patron, nombre),
                          requisitos=[RequisitoAnswer(r.clave, True) for r in tramite.requisitos],
                          attachments=attachments)


def unique_png(folder: Path, n: int) -> Path:
    """A distinct PNG-typed file (so each has its own sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"anexo-{n}.png"
    path.write_bytes(PNG_1PX + f"anexo {n}".encode())
    return path


def capture_many(ctx: AppContext, count: int, files_dir: Path | None = None,
                 with_attachments: int = 0, prefix: str = "Persona") -> list[str]:
    """Capture `count` expedientes; the first `with_attachments` carry a unique anexo each."""
    uuids = []
    for i in range(count):
        files = []
        homoclave = PLAIN_TRAMITE
        if i < with_attachments and files_dir is not None:
            files = [AttachmentInput(unique_png(files_dir, i), f"anexo-{i}.png")]
            homoclave = ARCHIVO_TRAMITE
        request = _request(ctx, homoclave, files, f"{prefix} Número {i} Pérez")
        uuids.append(capture_expediente(ctx, OPERADOR, request).uuid)
    return uuids


def local_hashes(ctx: AppContext) -> dict[str, str]:
    with ctx.write() as session:
        rows = session.execute(select(Expediente.uuid, Expediente.content_sha256))
        return {uuid: sha for uuid, sha in rows}


def outbox_states(ctx: AppContext) -> dict[str, int]:
    with ctx.write() as session:
        rows = session.execute(select(OutboxEntry.state, func.count())
                               .group_by(OutboxEntry.state))
        return {state: n for state, n in rows}


def point_to(ctx: AppContext, url: str) -> None:
    """Send this window's sync to `url` (a fault proxy or a fake platform)."""
    with ctx.write() as session:
        session.get_one(SyncState, 1).server_url = url


def sync_state(ctx: AppContext) -> SyncState:
    with ctx.write() as session:
        return session.get_one(SyncState, 1)


def server_hashes(db: Database, machine_id: str | None = None) -> dict[str, str]:
    """uuid → content_sha256 of the expedientes central holds (optionally of one machine)."""
    with db.read() as session:
        query = select(CentralExpediente.uuid, CentralExpediente.content_sha256)
        if machine_id:
            query = query.where(CentralExpediente.machine_id == machine_id)
        return {uuid: sha for uuid, sha in session.execute(query)}


def server_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(CentralExpediente)) or 0


