"""PUT/HEAD /v1/attachments/{sha256}: content-addressed blobs, idempotent by content."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.models import Attachment, table_of, utc_now

router = APIRouter()

MAX_ATTACHMENT_BYTES = 100 * 1_048_576  # bundles allow max_anexo_mb ≤ 100
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


@router.put("/v1/attachments/{sha256}", status_code=201)
async def put_attachment(
    sha256: Sha256,
    request: Request,
    _machine: Annotated[MachineIdentity, Depends(current_machine)],
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
    created = await run_in_threadpool(_store, db, sha256, b"".join(chunks))
    return Response(status_code=201 if created else 200)


def _store(db: Database, sha256: str, content: bytes) -> bool:
    with db.write() as session:
        result = session.execute(
            db.insert_ignore(table_of(Attachment), "sha256").values(
                sha256=sha256, size=len(content), content=content, received_at=utc_now()
            )
        )
        return result.first() is not None


@router.head("/v1/attachments/{sha256}")
def head_attachment(
    sha256: Sha256,
    _machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    with db.read() as session:
        size = session.scalar(select(Attachment.size).where(Attachment.sha256 == sha256))
    if size is None:
        return Response(status_code=404)
    return Response(status_code=200, headers={"X-Attachment-Size": str(size)})
