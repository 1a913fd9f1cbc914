"""Upload the anexos a push batch refers to, by hash, before the batch itself (DESIGN §5).

PUT /v1/attachments/{sha256} is idempotent by content, so a blob sent twice costs bandwidth, not
correctness. HEAD first skips blobs the platform already holds (another window sent the same
scan); Attachment.uploaded remembers what this machine has delivered.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select, update

from desktop.blobs import blob_path
from desktop.context import AppContext
from localdb.models import Attachment
from sync.http import PlatformClient
from wire.protocol import Mutation

log = logging.getLogger(__name__)


def referenced_hashes(mutations: Iterable[Mutation]) -> set[str]:
    """Blob hashes named by the payloads (ExpedientePayload.attachments)."""
    found: set[str] = set()
    for mutation in mutations:
        for ref in mutation.payload.get("attachments") or []:
            sha = ref.get("sha256") if isinstance(ref, dict) else None
            if isinstance(sha, str):
                found.add(sha)
    return found


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _deliver(client: PlatformClient, path: Path, sha: str) -> None:
    target = f"/v1/attachments/{sha}"
    if client.request("HEAD", target, accept=(404, 405)).status_code == 200:
        return
    with path.open("rb") as handle:
        client.request("PUT", target, data=handle,
                       headers={"Content-Type": "application/octet-stream"})


def upload_attachments(ctx: AppContext, client: PlatformClient,
                       mutations: Iterable[Mutation]) -> int:
    """Deliver every referenced blob not yet uploaded; returns how many were checked or sent.

    A blob missing or damaged on disk is logged and skipped: the platform decides what to do
    with a mutation whose anexo never arrived, and the rest of the queue keeps moving.
    """
    wanted = referenced_hashes(mutations)
    if not wanted:
        return 0
    with ctx.session() as session:
        done = set(session.scalars(select(Attachment.sha256).where(
            Attachment.sha256.in_(wanted), Attachment.uploaded.is_(True))))
    delivered: list[str] = []
    try:
        for sha in sorted(wanted - done):
            path = blob_path(ctx.blob_dir, sha)
            if not path.is_file() or _file_sha256(path) != sha:
                log.error("attachment blob %s missing or damaged; not uploaded", sha)
                continue
            _deliver(client, path, sha)
            delivered.append(sha)
    finally:
        if delivered:
            with ctx.session() as session:
                session.execute(update(Attachment).where(Attachment.sha256.in_(delivered))
                                .values(uploaded=True))
    return len(delivered)
