"""Offline login with argon2id hashes; 5 failures lock the user for 5 minutes (DESIGN §8)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from desktop.audit import append_audit
from desktop.context import AppContext
from desktop.errors import AccountLocked, AuthError, VentanillaError
from desktop.permissions import CurrentUser, Permission, Role, require
from localdb.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 5
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
BAD_CREDENTIALS = "Usuario o contraseña incorrectos."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_lock(user: User, now: datetime) -> None:
    if user.locked_until and user.locked_until > now:
        seconds = (user.locked_until - now).total_seconds()
        raise AccountLocked(max(1, math.ceil(seconds / 60)))


def _record_failure(session: Session, user: User, now: datetime) -> str:
    user.failed_attempts += 1
    if user.failed_attempts >= MAX_FAILURES:
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        append_audit(session, user.username, "auth.locked", user.username)
        return AccountLocked(LOCK_MINUTES).message
    left = MAX_FAILURES - user.failed_attempts
    append_audit(session, user.username, "auth.failed", user.username)
    return f"{BAD_CREDENTIALS} Le quedan {left} intento{'s' if left != 1 else ''}."


def _password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login(ctx: AppContext, username: str, password: str) -> CurrentUser:
    """Check credentials against the local store; works with no network."""
    now = datetime.now()
    failure: str | None = None
    with ctx.session() as session:
        user = session.get(User, username.strip().lower())
        if user is None or not user.active:
            raise AuthError(BAD_CREDENTIALS)
        _check_lock(user, now)
        if _password_matches(user, password):
            user.failed_attempts = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            append_audit(session, user.username, "auth.login", user.username)
            return CurrentUser(user.username, user.full_name, Role(user.role))
        failure = _record_failure(session, user, now)
    # The failure count is committed before we tell the user.
    if failure.startswith("Usuario bloqueado"):
        raise AccountLocked(LOCK_MINUTES)
    raise AuthError(failure)


def verify_password_for(ctx: AppContext, username: str, password: str) -> CurrentUser:
    """Unlock an idle-locked session: the same user's password, under the same lockout rules."""
    return login(ctx, username, password)


def create_user(ctx: AppContext, actor: CurrentUser, username: str, full_name: str,
                role: Role, password: str) -> None:
    require(actor, Permission.MANAGE_USERS)
    if len(password) < 8:
        raise VentanillaError("La contraseña debe tener al menos 8 caracteres.")
    with ctx.session() as session:
        if session.get(User, username.lower()) is not None:
            raise VentanillaError(f"Ya existe el usuario «{username}».")
        session.add(User(username=username.lower(), full_name=full_name, role=role.value,
                         password_hash=hash_password(password)))
        append_audit(session, actor.username, "user.create", username.lower(),
                     {"role": role.value})
