"""GET /v1/config: the latest signed bundle file, with ETag / If-None-Match → 304."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy import select, update

from central.bundles import envelope_bytes
from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database
from central.models import ConfigBundle, Machine

router = APIRouter()


@router.get("/v1/config")
def get_config(
    request: Request,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> Response:
    with db.read() as session:
        bundle = session.scalars(
            select(ConfigBundle).order_by(ConfigBundle.version.desc()).limit(1)
        ).one_or_none()
        known = session.scalar(select(Machine.config_version).where(Machine.id == machine.id))
    if bundle is None:
        raise HTTPException(404, "La plataforma aún no publica una configuración.")
    if known != bundle.version:  # shown by the console (Oficinas y equipos)
        _record_config_version(db, machine.id, bundle.version)
    headers = {"ETag": bundle.etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), bundle.etag):
        return Response(status_code=304, headers=headers)
    body = envelope_bytes(bundle.payload, bundle.signature)
    # When it was published, for the window's configuration history (naive UTC in the store).
    headers["X-Ventanilla-Published-At"] = bundle.published_at.replace(tzinfo=UTC).isoformat()
    return Response(body, media_type="application/json", headers=headers)


def _record_config_version(db: Database, machine_id: str, version: int) -> None:
    """The version this window now has (served, or confirmed by If-None-Match)."""
    with db.write() as session:
        session.execute(update(Machine).where(Machine.id == machine_id)
                        .values(config_version=version))


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return "*" in candidates or etag in candidates
