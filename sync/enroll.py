"""Enrollment (ARCHITECTURE §7): a one-time code turns this machine from the demo office into a
window of a real office, with a machine token and the platform's pinned public key.

Demo captures are never sent to a real platform: on leaving demo mode their outbox rows are
discarded and the mutation sequence restarts at 1, which is where the platform's count for a new
machine starts. The demo expedientes stay on this machine, marked sync_state "demo".

The demo catálogo is retired in the same transaction
(desktop.bundles.apply.retire_demo_configuration), so the platform's first bundle applies even
when it reuses the demo's version number; enrollment then fetches it at once (best effort: the
sync timer fetches it anyway).
"""

from __future__ import annotations

import logging
import re
import socket
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from desktop.access.auth import retire_demo_users
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import retire_demo_configuration
from desktop.bundles.signing import platform_key
from desktop.context import AppContext
from desktop.documents.receipts import receipt_public_key_pem
from desktop.errors import BundleError, VentanillaError
from desktop.records.audit import append_audit
from desktop.records.staleness import record_contact
from localdb.models import Expediente, OutboxEntry, SyncState
from localdb.states import EnvioState
from sync.config import refresh_config
from sync.errors import GarbageResponse, MachineNotAuthorized, RequestRefused, SyncError
from sync.http import APP_VERSION, PlatformClient, check_server_url
from sync.machine_token import save_machine_token
from wire.protocol import EnrollRequest, EnrollResponse
from wire.times import utc_now

log = logging.getLogger(__name__)
ENROLL_PATH = "/v1/enroll"
BAD_CODE = ("El código de enrolamiento no es válido, ya se usó o venció: pida uno nuevo al "
            "administrador.")
NO_CONFIG_YET = "la plataforma aún no publica una configuración de trámites"


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
    config_version: int | None = None  # the platform's bundle applied right after enrolling
    config_problem: str | None = None  # Spanish reason when it could not be applied yet


def _check_not_enrolled(ctx: AppContext) -> None:
    with ctx.write() as session:
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


_NAME = re.compile(r"[^\s/\\]{1,64}")  # a clave that can head a folio and name a file
_TOKEN = re.compile(r"[\x21-\x7e]{16,512}")  # what an HTTP header carries as it is


def _check_answer(answer: EnrollResponse) -> None:
    """GarbageResponse unless the answer can be kept: a token an HTTP header can carry, the
    office's and window's claves and the ids non-empty and plain, the platform's key an Ed25519
    one (a window pinned to a key that is none would refuse every bundle and could not be
    enrolled again). Checked before anything is saved."""
    plain = {"machine_id": answer.machine_id, "oficina": answer.oficina,
             "ventanilla": answer.ventanilla, "epoch": answer.epoch}
    bad = [name for name, value in plain.items() if not _NAME.fullmatch(value)]
    if not _TOKEN.fullmatch(answer.machine_token):
        bad.append("machine_token")
    try:
        platform_key(answer.platform_public_key)
    except BundleError:
        bad.append("platform_public_key")
    if bad:
        raise GarbageResponse(f"enroll answer with unusable {', '.join(bad)}")


def _discard_demo_outbox(session: Session) -> int:
    """Drop the demo mutations and restart the sequence; returns how many were dropped."""
    count = session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
    session.execute(update(Expediente).where(Expediente.uuid.in_(select(OutboxEntry.entity_uuid)))
                    .values(sync_state=EnvioState.DEMO))
    session.execute(delete(OutboxEntry))
    # With AUTOINCREMENT the counter lives in sqlite_sequence; without it, an empty table
    # already restarts at 1.
    if session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")):
        session.execute(text("DELETE FROM sqlite_sequence WHERE name = 'outbox'"))
    return int(count)


def _leave_demo(session: Session) -> tuple[int, int]:
    """(demo mutations discarded, demo configuration version retired)."""
    return _discard_demo_outbox(session), retire_demo_configuration(session)


def _first_config(ctx: AppContext, url: str, token: str) -> tuple[int | None, str | None]:
    """Fetch the platform's configuration now, so its catálogo is in force at once."""
    try:
        with PlatformClient(url, token) as client:
            outcome = refresh_config(ctx, client)
    except SyncError as exc:
        log.warning("configuration not fetched at enrollment: %s", type(exc).__name__)
        return None, exc.message
    if outcome.applied_version is None:
        return None, outcome.refused or NO_CONFIG_YET
    return outcome.applied_version, None


def enroll(ctx: AppContext, user: CurrentUser, url: str, code: str) -> EnrollResult:
    """Enroll with the platform at `url` using a one-time `code` (admins only)."""
    require(user, Permission.ENROLL)
    base_url = check_server_url(url)
    if not code.strip():
        raise EnrollInputError("Escriba el código de enrolamiento que le dio el administrador.")
    _check_not_enrolled(ctx)
    answer = _request_enrollment(base_url, code, receipt_public_key_pem(ctx))
    _check_answer(answer)
    warning = save_machine_token(ctx.data_dir, answer.machine_token)
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        discarded, retired = _leave_demo(session) if state.demo else (0, 0)
        # The demo users' passwords are published: they must not open a real office's window.
        retire_demo_users(session, user.username)
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
            "discarded_demo_mutations": discarded, "retired_demo_config_version": retired,
        })
        record_contact(session, utc_now())  # staleness counts from here (§7)
    log.info("enrolled as %s (%s/%s)", answer.machine_id, answer.oficina, answer.ventanilla)
    config_version, config_problem = _first_config(ctx, base_url, answer.machine_token)
    return EnrollResult(answer.machine_id, answer.oficina, answer.oficina_nombre,
                        answer.ventanilla, answer.municipio, base_url, discarded, warning,
                        config_version, config_problem)
