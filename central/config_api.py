"""GET /v1/config: the latest signed bundle file, with ETag / If-None-Match → 304."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy import select

from central.bundles import envelope_bytes
from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.models import ConfigBundle

router = APIRouter()


@router.get("/v1/config")
def get_config(
    request: Request,
    _machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    with db.read() as session:
        bundle = session.scalars(
            select(ConfigBundle).order_by(ConfigBundle.version.desc()).limit(1)
        ).one_or_none()
    if bundle is None:
        raise HTTPException(404, "La plataforma aún no publica una configuración.")
    headers = {"ETag": bundle.etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), bundle.etag):
        return Response(status_code=304, headers=headers)
    body = envelope_bytes(bundle.payload, bundle.signature)
    return Response(body, media_type="application/json", headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return "*" in candidates or etag in candidates
