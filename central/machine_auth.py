"""Bearer machine-token authentication, as a FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select

from central.db import Database
from central.models import Machine
from central.security import sha256_hex


@dataclass(frozen=True)
class MachineIdentity:
    id: str
    office: str
    ventanilla: str


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Falta el token del equipo (Authorization: Bearer …).")
    return token.strip()


def machine_for_token(db: Database, token: str) -> MachineIdentity | None:
    """The machine of `token`; None when unknown or revoked by an admin."""
    with db.read() as session:
        row = session.execute(
            select(Machine.id, Machine.office, Machine.ventanilla).where(
                Machine.token_sha256 == sha256_hex(token), Machine.revoked_at.is_(None)
            )
        ).one_or_none()
    return None if row is None else MachineIdentity(row.id, row.office, row.ventanilla)


def current_machine(request: Request) -> MachineIdentity:
    """The machine the bearer token belongs to; 401 when the token is unknown."""
    machine = machine_for_token(database(request), bearer_token(request))
    if machine is None:
        raise unauthorized("El token del equipo no es válido: vuelva a dar de alta el equipo.")
    return machine
