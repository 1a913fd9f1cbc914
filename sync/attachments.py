"""Upload the anexos, by hash, and count one as delivered only on the platform's receipt.

PUT /v1/attachments/{sha256} is idempotent by content, so a blob sent twice costs bandwidth, not
correctness. HEAD first skips blobs the platform already holds for this office. A 200 counts only
with the receipt of wire.attachments (JSON content type, and headers naming the same sha256 and
size): a proxy's or captive portal's "200 text/html" is a failed attempt, never "uploaded".
Attachment.uploaded is set from receipts only, and reset when a push answer lists the blob in
`missing_attachments`; an expediente is `sincronizado` only when all its anexos are uploaded,
else `faltan_anexos` until the anexos step delivers them. Blobs are sealed at rest: each is
decrypted and checked (tag and hash) before it is sent; a damaged one is never uploaded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.capture.blobs import BlobDamaged, read_blob
from desktop.context import AppContext
from localdb.bound_list import NO_SYNC, each
from localdb.models import Attachment, Expediente
from localdb.states import EnvioState
from sync.errors import (
    GarbageResponse,
    MachineNotAuthorized,
    PlatformUnreachable,
    SyncError,
    TlsFailure,
)
from sync.http import PlatformClient
from sync.status import count_missing_anexos
from wire.attachments import ATTACHMENT_SHA256_HEADER, ATTACHMENT_SIZE_HEADER
from wire.protocol import Mutation

log = logging.getLogger(__name__)

# Failures that say the link itself is down or refused: no point trying the next blob.
LINK_FAILURES = (PlatformUnreachable, TlsFailure, MachineNotAuthorized)


@dataclass
class UploadOutcome:
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, SyncError] = field(default_factory=dict)

    def first_failure(self) -> SyncError | None:
        return next(iter(self.failed.values()), None)


def referenced_hashes(mutations: Iterable[Mutation]) -> set[str]:
    """Blob hashes named by the payloads (ExpedientePayload.attachments)."""
    found: set[str] = set()
    for mutation in mutations:
        for ref in mutation.payload.get("attachments") or []:
            sha = ref.get("sha256") if isinstance(ref, dict) else None
            if isinstance(sha, str):
                found.add(sha)
    return found


def has_receipt(response: requests.Response, sha: str, size: int) -> bool:
    """True when a 2xx carries the platform's receipt for exactly this blob."""
    content_type = response.headers.get("Content-Type", "").lower()
    return (200 <= response.status_code < 300 and "json" in content_type
            and response.headers.get(ATTACHMENT_SHA256_HEADER) == sha
            and response.headers.get(ATTACHMENT_SIZE_HEADER) == str(size))


def _deliver(client: PlatformClient, plain: bytes, sha: str) -> None:
    """HEAD, then PUT unless the platform confirmed it holds the blob; GarbageResponse when
    the PUT's answer is not the platform's receipt."""
    target, size = f"/v1/attachments/{sha}", len(plain)
    if has_receipt(client.request("HEAD", target, accept=(404, 405)), sha, size):
        return
    response = client.request("PUT", target, data=plain,
                              headers={"Content-Type": "application/octet-stream"})
    if not has_receipt(response, sha, size):
        raise GarbageResponse(f"PUT {sha[:12]}: {response.status_code} without the receipt")


def upload_blobs(ctx: AppContext, client: PlatformClient, hashes: Iterable[str]) -> UploadOutcome:
    """Deliver each blob, marking it uploaded on its receipt. A blob missing, tampered or damaged
    on disk is logged and skipped; one the platform did not confirm is in `failed`; a down link
    raises."""
    outcome = UploadOutcome()
    try:
        for sha in sorted(set(hashes)):
            try:
                plain = read_blob(ctx.blobs, sha)
            except BlobDamaged:
                log.error("attachment blob %s missing or damaged; not uploaded", sha)
                continue
            try:
                _deliver(client, plain, sha)
            except LINK_FAILURES:
                raise
            except SyncError as exc:
                log.warning("attachment %s not confirmed: %s", sha[:12], type(exc).__name__)
                outcome.failed[sha] = exc
                continue
            outcome.delivered.append(sha)
    finally:
        if outcome.delivered:
            with ctx.write() as session:
                session.execute(update(Attachment).where(
                    Attachment.sha256.in_(outcome.delivered)).values(uploaded=True))
    return outcome


def upload_attachments(ctx: AppContext, client: PlatformClient,
                       mutations: Iterable[Mutation]) -> UploadOutcome:
    """Before a push: deliver the blobs its mutations name that are not confirmed yet."""
    wanted = referenced_hashes(mutations)
    if not wanted:
        return UploadOutcome()
    with ctx.write() as session:
        done = set(session.scalars(select(Attachment.sha256).where(
            Attachment.sha256.in_(wanted), Attachment.uploaded.is_(True))))
    return upload_blobs(ctx, client, wanted - done)


def forget_uploads(session: Session, entity_uuid: str, missing: Iterable[str]) -> None:
    """The platform says it lacks these blobs of the expediente: they must be sent again."""
    session.execute(update(Attachment).where(
        Attachment.expediente_uuid == entity_uuid, Attachment.sha256.in_(list(missing)))
        .values(uploaded=False))


def settle_synced(session: Session, uuids: Iterable[str]) -> None:
    """Expedientes the platform acknowledged: `sincronizado` when every anexo is confirmed,
    else `faltan_anexos` (a `rechazado` one stays as it is)."""
    wanted = list(uuids)
    if not wanted:
        return
    lacking = set(session.scalars(select(Attachment.expediente_uuid).where(
        Attachment.expediente_uuid.in_(each(wanted)), Attachment.uploaded.is_(False))))
    for state, group in ((EnvioState.FALTAN_ANEXOS, lacking),
                         (EnvioState.SINCRONIZADO, set(wanted) - lacking)):
        if group:
            session.execute(update(Expediente).where(
                Expediente.uuid.in_(each(group)), Expediente.sync_state != EnvioState.RECHAZADO)
                .values(sync_state=state), execution_options=NO_SYNC)


@dataclass
class AnexosOutcome:
    uploaded: int = 0
    waiting: int = 0  # expedientes still `faltan_anexos` after this step


def complete_attachments(ctx: AppContext, client: PlatformClient) -> AnexosOutcome:
    """The anexos step: deliver what `faltan_anexos` expedientes lack, then settle them. Raises
    the first failure after trying every blob, so the run retries and reports the step."""
    with ctx.write() as session:
        settling = set(session.scalars(select(Expediente.uuid).where(
            Expediente.sync_state == EnvioState.FALTAN_ANEXOS)))
        rows = session.execute(select(Attachment.sha256)
                               .join(Expediente, Expediente.uuid == Attachment.expediente_uuid)
                               .where(Expediente.sync_state == EnvioState.FALTAN_ANEXOS,
                                      Attachment.uploaded.is_(False))).all()
    uploads = upload_blobs(ctx, client, {sha for (sha,) in rows})
    with ctx.write() as session:
        # Every expediente waiting, not only those with a blob sent now: a run stopped between
        # the receipts and this step (a kill, a power cut) left some whose anexos are all
        # confirmed and that nothing else would settle.
        settle_synced(session, settling)
        waiting = count_missing_anexos(session)
    failure = uploads.first_failure()
    if failure is not None:
        raise failure
    return AnexosOutcome(uploaded=len(uploads.delivered), waiting=waiting)
