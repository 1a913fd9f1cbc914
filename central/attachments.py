"""PUT/HEAD /v1/attachments/{sha256}: content-addressed blobs, idempotent by content.

Every success carries the receipt of wire.attachments (JSON content type, sha256 and size headers),
so the window can tell the platform's answer from a proxy's. A blob belongs to the offices that
uploaded it: HEAD from another office answers 404, exactly as for a blob nobody sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.models import Attachment, AttachmentHolder, table_of, utc_now
from wire.attachments import (
    ATTACHMENT_CONTENT_TYPE,
    ATTACHMENT_SHA256_HEADER,
    ATTACHMENT_SIZE_HEADER,
    AttachmentReceipt,
)

router = APIRouter()

MAX_ATTACHMENT_BYTES = 100 * 1_048_576  # bundles allow max_anexo_mb ≤ 100
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


def _receipt(status: int, sha256: str, size: int, body: bool) -> Response:
    receipt = AttachmentReceipt(sha256=sha256, size=size)
    return Response(
        content=receipt.model_dump_json() if body else None, status_code=status,
        media_type=ATTACHMENT_CONTENT_TYPE,
        headers={ATTACHMENT_SHA256_HEADER: sha256, ATTACHMENT_SIZE_HEADER: str(size)},
    )


@router.put("/v1/attachments/{sha256}", status_code=201)
async def put_attachment(
    sha256: Sha256,
    request: Request,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    digest, chunks, size = hashlib.sha256(), [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            raise HTTPException(413, "El adjunto excede el tamaño máximo (100 MB).")
        digest.update(chunk)
        chunks.append(chunk)
    if digest.hexdigest() != sha256:
        raise HTTPException(400, "El contenido no coincide con su sha256: vuelva a enviarlo.")
    created = await run_in_threadpool(_store, db, sha256, b"".join(chunks), machine.office)
    return _receipt(201 if created else 200, sha256, size, body=True)


def _store(db: Database, sha256: str, content: bytes, office: str) -> bool:
    """Keep the blob once, and note that `office` holds it; True when the blob was new."""
    with db.write() as session:
        result = session.execute(
            db.insert_ignore(table_of(Attachment), "sha256").values(
                sha256=sha256, size=len(content), content=content, received_at=utc_now()
            )
        )
        created = result.first() is not None
        session.execute(
            db.insert_ignore(table_of(AttachmentHolder), "sha256", "office").values(
                sha256=sha256, office=office, received_at=utc_now()
            )
        )
        return created


def held_by_office(session: Session, office: str, hashes: Iterable[str]) -> set[str]:
    """Those of `hashes` the office has uploaded (the platform holds them for it)."""
    wanted = set(hashes)
    if not wanted:
        return set()
    return set(session.scalars(select(AttachmentHolder.sha256).where(
        AttachmentHolder.office == office, AttachmentHolder.sha256.in_(wanted))))


@router.head("/v1/attachments/{sha256}")
def head_attachment(
    sha256: Sha256,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    with db.read() as session:
        size = session.scalar(
            select(Attachment.size).join(
                AttachmentHolder, AttachmentHolder.sha256 == Attachment.sha256
            ).where(Attachment.sha256 == sha256, AttachmentHolder.office == machine.office)
        )
    if size is None:
        return Response(status_code=404)
    return _receipt(200, sha256, size, body=False)
