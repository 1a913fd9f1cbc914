"""Enrollment (DESIGN §5): a one-time code turns this machine from the demo office into a
window of a real office, with a machine token and the platform's pinned public key.

Demo captures are never sent to a real platform: on leaving demo mode their outbox rows are
discarded and the mutation sequence restarts at 1, which is where the platform's count for a new
machine starts. The demo expedientes stay on this machine, marked sync_state "demo".
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from desktop.audit import append_audit
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.permissions import CurrentUser, Permission, require
from desktop.receipt_signing import receipt_public_key_pem
from localdb.models import Expediente, OutboxEntry, SyncState
from sync.errors import MachineNotAuthorized, RequestRefused
from sync.http import APP_VERSION, PlatformClient, check_server_url
from sync.machine_token import save_machine_token
from sync.protocol import EnrollRequest, EnrollResponse

log = logging.getLogger(__name__)
ENROLL_PATH = "/v1/enroll"
BAD_CODE = "El código de enrolamiento no es válido o ya se usó: pida uno nuevo al administrador."


class EnrollInputError(VentanillaError):
    """The code or address typed is unusable; nothing was sent."""


class AlreadyEnrolled(VentanillaError):
    def __init__(self, url: str | None) -> None:
        super().__init__(
            f"Este equipo ya está enrolado con la plataforma {url or ''}. Para cambiarlo de "
            "plataforma u oficina se necesita una instalación nueva."
        )


@dataclass(frozen=True)
class EnrollResult:
    machine_id: str
    oficina: str
    oficina_nombre: str
    ventanilla: str
    municipio: str
    server_url: str
    discarded_demo_mutations: int
    credential_warning: str | None


def _check_not_enrolled(ctx: AppContext) -> None:
    with ctx.session() as session:
        state = session.get(SyncState, 1)
        if state is not None and not state.demo and state.server_url:
            raise AlreadyEnrolled(state.server_url)


def _request_enrollment(url: str, code: str, public_key_pem: str) -> EnrollResponse:
    body = EnrollRequest(code=code.strip(), app_version=APP_VERSION,
                         hostname=socket.gethostname()[:200], receipt_public_key=public_key_pem)
    with PlatformClient(url) as client:
        try:
            return client.post_json(ENROLL_PATH, body, EnrollResponse)
        except MachineNotAuthorized as exc:
            raise RequestRefused(401, BAD_CODE) from exc


def _discard_demo_outbox(session: Session) -> int:
    """Drop the demo mutations and restart the sequence; returns how many were dropped."""
    count = session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
    session.execute(update(Expediente).where(Expediente.uuid.in_(select(OutboxEntry.entity_uuid)))
                    .values(sync_state="demo"))
    session.execute(delete(OutboxEntry))
    # With AUTOINCREMENT the counter lives in sqlite_sequence; without it, an empty table
    # already restarts at 1.
    if session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")):
        session.execute(text("DELETE FROM sqlite_sequence WHERE name = 'outbox'"))
    return int(count)


def enroll(ctx: AppContext, user: CurrentUser, url: str, code: str) -> EnrollResult:
    """Enroll with the platform at `url` using a one-time `code` (admins only)."""
    require(user, Permission.ENROLL)
    base_url = check_server_url(url)
    if not code.strip():
        raise EnrollInputError("Escriba el código de enrolamiento que le dio el administrador.")
    _check_not_enrolled(ctx)
    answer = _request_enrollment(base_url, code, receipt_public_key_pem(ctx))
    warning = save_machine_token(ctx.data_dir, answer.machine_token)
    with ctx.session() as session:
        state = session.get_one(SyncState, 1)
        discarded = _discard_demo_outbox(session) if state.demo else 0
        state.machine_id = answer.machine_id
        state.server_url = base_url
        state.oficina, state.oficina_nombre = answer.oficina, answer.oficina_nombre
        state.ventanilla, state.municipio = answer.ventanilla, answer.municipio
        state.epoch, state.platform_public_key = answer.epoch, answer.platform_public_key
        state.demo = False
        state.pull_cursor, state.config_etag = 0, None
        state.backoff_attempts, state.next_attempt_at = 0, None
        state.last_error, state.last_error_at = None, None
        append_audit(session, user.username, "sync.enrolado", answer.machine_id, {
            "server_url": base_url, "oficina": answer.oficina, "ventanilla": answer.ventanilla,
            "discarded_demo_mutations": discarded,
        })
    log.info("enrolled as %s (%s/%s)", answer.machine_id, answer.oficina, answer.ventanilla)
    return EnrollResult(answer.machine_id, answer.oficina, answer.oficina_nombre,
                        answer.ventanilla, answer.municipio, base_url, discarded, warning)
