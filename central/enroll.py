"""POST /v1/enroll (one-time code → machine token) and POST /v1/auth/login (user profile)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select, update

from central.db import Database
from central.machine_auth import MachineIdentity, current_machine, database, unauthorized
from central.models import EnrollCode, Machine, Office, Platform, User, utc_now
from central.sanitize import clean
from central.security import (
    enroll_code_sha256,
    load_public_key,
    new_machine_id,
    new_machine_token,
    sha256_hex,
    verify_password,
)
from wire.protocol import EnrollRequest, EnrollResponse, LoginRequest, LoginResponse

BAD_LOGIN = "Usuario o contraseña incorrectos."
LOGIN_MAX_FAILURES = 5  # the same rule as the window's own lockout (desktop.access.auth)
LOGIN_LOCK = timedelta(minutes=5)

router = APIRouter()

BAD_CODE = "El código de alta no es válido o ya se usó: pida uno nuevo al administrador."
EXPIRED_CODE = "El código de alta venció sin usarse: pida uno nuevo al administrador."


@router.post("/v1/enroll", response_model=EnrollResponse)
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


@router.post("/v1/auth/login", response_model=LoginResponse)
def login(
    body: LoginRequest,
    machine: Annotated[MachineIdentity, Depends(current_machine)],
    db: Annotated[Database, Depends(database)],
) -> LoginResponse:
    attempt = _reserve_attempt(db, body.username)
    matches = verify_password(attempt.password_hash if attempt else None, body.password)
    if attempt is None or not matches:
        # A locked or unknown user hears the same answer after the same work: guessing learns
        # nothing, and a refused guess never reaches the password.
        raise HTTPException(401, BAD_LOGIN)
    with db.write() as session:
        user = session.get_one(User, attempt.username)
        user.failed_logins, user.locked_until = 0, None
        session.execute(
            update(Machine).where(Machine.id == machine.id).values(last_seen=utc_now())
        )
    return LoginResponse(
        username=attempt.username, full_name=attempt.full_name, role=attempt.role  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class _Attempt:
    username: str
    full_name: str
    role: str
    password_hash: str


def _reserve_attempt(db: Database, username: str) -> _Attempt | None:
    """Counts the attempt as failed *before* the password is checked, under the row lock.

    Parallel guesses therefore queue on the lock and each sees the count the previous one left:
    once LOGIN_MAX_FAILURES attempts are counted the user is locked, and no later attempt gets
    to try a password, however many arrive at once. A success resets the count. None: unknown,
    inactive or locked user.
    """
    with db.write() as session:
        user = session.scalars(db.for_update(select(User).where(User.username == username)))
        row = user.one_or_none()
        if row is None or not row.active or _locked(row):
            return None
        row.failed_logins = (row.failed_logins or 0) + 1
        if row.failed_logins >= LOGIN_MAX_FAILURES:
            row.failed_logins, row.locked_until = 0, utc_now() + LOGIN_LOCK
        return _Attempt(row.username, row.full_name, row.role, row.password_hash)


def _locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utc_now()
