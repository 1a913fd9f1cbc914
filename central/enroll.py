"""POST /v1/enroll (one-time code → machine token), POST /v1/auth/login (user profile) and
POST /v1/auth/password (a window user replaces their password, e.g. after a reset)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select, update

from central.content_type import json_body
from central.db import Database
from central.logins import BAD_LOGIN, Attempt, check_login
from central.machine_auth import MachineIdentity, current_machine, database, unauthorized
from central.models import EnrollCode, Machine, Office, Platform, utc_now
from central.sanitize import clean
from central.security import (
    enroll_code_sha256,
    load_public_key,
    new_machine_id,
    new_machine_token,
    sha256_hex,
)
from central.users import UserError, change_own_password, may_open_window
from wire.protocol import (
    EnrollRequest,
    EnrollResponse,
    LoginRequest,
    LoginResponse,
    PasswordChangeRequest,
)

router = APIRouter()

BAD_CODE = "El código de alta no es válido o ya se usó: pida uno nuevo al administrador."
EXPIRED_CODE = "El código de alta venció sin usarse: pida uno nuevo al administrador."


@router.post("/v1/enroll", response_model=EnrollResponse,
             dependencies=[Depends(json_body)])
def enroll(body: EnrollRequest, db: Annotated[Database, Depends(database)]) -> EnrollResponse:
    if body.receipt_public_key and load_public_key(body.receipt_public_key) is None:
        raise HTTPException(422, "La llave pública de comprobantes no es una llave Ed25519 (PEM).")
    token, machine_id = new_machine_token(), new_machine_id()
    with db.write() as session:
        code = session.scalars(
            db.for_update(
                select(EnrollCode).where(EnrollCode.code_sha256 == enroll_code_sha256(body.code))
            )
        ).one_or_none()
        if code is None or code.used_at is not None:
            raise unauthorized(BAD_CODE)
        if code.expiry() <= utc_now():
            raise unauthorized(EXPIRED_CODE)
        office = session.get_one(Office, code.office)
        platform = session.get_one(Platform, 1)
        code.used_at, code.machine_id = utc_now(), machine_id
        session.add(
            Machine(
                id=machine_id, office=office.clave, ventanilla=code.ventanilla,
                token_sha256=sha256_hex(token), receipt_public_key=body.receipt_public_key,
                hostname=clean(body.hostname, 200) or "",
                app_version=clean(body.app_version, 40) or "",
                last_mutation_id=0, last_seen=utc_now(),
            )
        )
        return EnrollResponse(
            machine_id=machine_id, machine_token=token, oficina=office.clave,
            oficina_nombre=office.nombre, ventanilla=code.ventanilla,
            municipio=office.municipio, platform_public_key=platform.public_key_pem,
            epoch=platform.epoch,
        )


@router.post("/v1/auth/login", response_model=LoginResponse,
             dependencies=[Depends(json_body)])
def login(
    body: LoginRequest,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> LoginResponse:
    """A user of another office, or of a console-only role, hears the same answer as a wrong
    password: the window learns nothing about users it may not open for."""
    attempt = _window_login(db, machine, body.username, body.password)
    return _profile(attempt, attempt.must_change_password)


@router.post("/v1/auth/password", response_model=LoginResponse,
             dependencies=[Depends(json_body)])
def change_password(
    body: PasswordChangeRequest,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> LoginResponse:
    """The current password is judged as a login at this window (same lockout, same answer for
    a user of another office); the new one follows `change_own_password`'s rules (422)."""
    attempt = _window_login(db, machine, body.username, body.password)
    try:
        change_own_password(db, attempt.username, body.new_password)
    except UserError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _profile(attempt, False)


def _window_login(db: Database, machine: MachineIdentity, username: str,
                  password: str) -> Attempt:
    attempt = check_login(db, username, password,
                          lambda user: may_open_window(user.role, user.office, machine.office))
    if attempt is None:
        raise HTTPException(401, BAD_LOGIN)
    with db.write() as session:
        session.execute(
            update(Machine).where(Machine.id == machine.id).values(last_seen=utc_now())
        )
    return attempt


def _profile(attempt: Attempt, must_change_password: bool) -> LoginResponse:
    return LoginResponse(
        username=attempt.username, full_name=attempt.full_name,
        role=attempt.role,  # type: ignore[arg-type]
        must_change_password=must_change_password,
    )
