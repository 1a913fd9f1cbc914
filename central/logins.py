"""Password logins of platform users, shared by /v1/auth/login (windows) and the console.

The lockout is atomic: an attempt is counted as failed *before* the password is checked, under
the user's row lock, so parallel guesses queue on the lock and each sees the count the previous
one left. Once LOGIN_MAX_FAILURES attempts are counted the user is locked for LOGIN_LOCK, and no
later attempt gets to try a password, however many arrive at once. A success resets the count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from central.db import Database
from central.models import User, utc_now
from central.security import verify_password

BAD_LOGIN = "Usuario o contraseña incorrectos."
LOGIN_MAX_FAILURES = 5  # the same rule as the window's own lockout (desktop.auth)
LOGIN_LOCK = timedelta(minutes=5)


@dataclass(frozen=True)
class Attempt:
    username: str
    full_name: str
    role: str
    office: str | None
    dependencia: str | None
    must_change_password: bool
    password_hash: str


def check_login(db: Database, username: str, password: str,
                allowed: Callable[[User], bool]) -> Attempt | None:
    """The user when `password` is right and `allowed(user)`; None otherwise, after the same
    work whatever the reason (unknown, inactive, locked, not allowed here, wrong password)."""
    attempt = reserve_attempt(db, username, allowed)
    matches = verify_password(attempt.password_hash if attempt else None, password)
    if attempt is None or not matches:
        return None
    with db.write() as session:
        user = session.get_one(User, attempt.username)
        user.failed_logins, user.locked_until = 0, None
    return attempt


def reserve_attempt(db: Database, username: str,
                    allowed: Callable[[User], bool]) -> Attempt | None:
    """Counts the attempt as failed under the row lock; None: unknown, inactive, locked or not
    allowed here (a user not allowed here is not counted: they did not guess anything)."""
    with db.write() as session:
        user = session.scalars(db.for_update(select(User).where(User.username == username)))
        row = user.one_or_none()
        if row is None or not row.active or is_locked(row) or not allowed(row):
            return None
        row.failed_logins = (row.failed_logins or 0) + 1
        if row.failed_logins >= LOGIN_MAX_FAILURES:
            row.failed_logins, row.locked_until = 0, utc_now() + LOGIN_LOCK
        return Attempt(row.username, row.full_name, row.role, row.office, row.dependencia,
                       bool(row.must_change_password), row.password_hash)


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utc_now()
