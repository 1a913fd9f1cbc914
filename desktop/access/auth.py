"""Offline login with argon2id hashes; 5 failures lock the user for 5 minutes (ARCHITECTURE §10).

Users the platform manages reach this machine through `PlatformCheck`, a callable the composition
root builds from `sync/` (this layer does not import it): a user unknown here, or whose password
changed on the platform, is checked online once and then cached as an argon2id hash, so the next
login works offline. A platform that says the password must be changed (it was reset) gets
nothing cached: `MustChangePassword` is raised and the user changes it online first. Pull keeps
the cached copies in step with the platform (`sync.user_changes`): a deactivated user is inactive
here, a reset drops the cached hash (an empty `password_hash` never matches).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.errors import AccountLocked, AuthError, MustChangePassword, VentanillaError
from desktop.records.audit import append_audit
from localdb.models import User
from localdb.states import Role
from wire.times import utc_now

MAX_FAILURES = 5
LOCK_MINUTES = 5
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
BAD_CREDENTIALS = "Usuario o contraseña incorrectos."


@dataclass(frozen=True)
class PlatformProfile:
    username: str
    full_name: str
    role: str
    must_change_password: bool = False


# (username, password) -> the platform's profile; None when the platform cannot be asked (offline,
# not enrolled); raises AuthError when the platform refuses the credentials.
PlatformCheck = Callable[[str, str], PlatformProfile | None]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_lock(locked_until: datetime | None, now: datetime) -> None:
    if locked_until and locked_until > now:
        seconds = (locked_until - now).total_seconds()
        raise AccountLocked(max(1, math.ceil(seconds / 60)))


@dataclass(frozen=True)
class _Attempt:
    """An attempt already counted as failed: what judging it needs, and what to answer."""

    password_hash: str
    left: int  # attempts left after this one, were it to fail
    locked: bool  # this attempt set the lock


def _reserve_attempt(ctx: AppContext, name: str, now: datetime) -> _Attempt | None:
    """Count the attempt as failed *before* the password is judged, in one BEGIN IMMEDIATE
    transaction: parallel logins queue on the write lock and each sees the count the previous
    one left, so once MAX_FAILURES are counted no later attempt reaches the password, however
    many arrive at once (central/enroll.py does the same). A success resets the count.
    None: a user this store cannot vouch for (unknown or inactive) — there is no row to count."""
    with ctx.write() as session:
        user = session.get(User, name)
        if user is None or not user.active:
            return None
        _check_lock(user.locked_until, now)
        user.failed_attempts += 1
        left = MAX_FAILURES - user.failed_attempts
        if left <= 0:
            user.failed_attempts = 0
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        return _Attempt(user.password_hash, max(left, 0), left <= 0)


def _record_failure(session: Session, name: str, attempt: _Attempt) -> None:
    """Audit a judged failure; its count was committed by _reserve_attempt."""
    append_audit(session, name, "auth.locked" if attempt.locked else "auth.failed", name)


def _failure_error(attempt: _Attempt) -> AuthError:
    if attempt.locked:
        return AccountLocked(LOCK_MINUTES)
    left = attempt.left
    return AuthError(f"{BAD_CREDENTIALS} Le quedan {left} intento{'s' if left != 1 else ''}.")


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _cache_platform_user(session: Session, profile: PlatformProfile, password: str) -> User:
    """Create or refresh the local copy of a platform user, with a hash for offline logins."""
    user = session.get(User, profile.username.lower())
    if user is None:
        user = User(username=profile.username.lower(), failed_attempts=0, is_demo=False)
        session.add(user)
    user.full_name, user.role, user.active = profile.full_name, Role(profile.role), True
    user.is_demo = False  # a platform user named like a retired demo user is not a demo user
    user.from_platform = True
    user.password_hash = hash_password(password)
    append_audit(session, user.username, "user.platform_sync", user.username,
                 {"role": user.role.value})
    return user


def _ask_platform(platform: PlatformCheck | None, username: str,
                  password: str) -> PlatformProfile | None:
    """The platform's verdict; None when it cannot be asked (never for a locked user)."""
    if platform is None:
        return None
    try:
        return platform(username, password)
    except AuthError:
        return None


def login(ctx: AppContext, username: str, password: str,
          platform: PlatformCheck | None = None) -> CurrentUser:
    """Check credentials against the local store (no network needed); a user the store does not
    know, or whose password does not match, is checked with the platform when one is given.
    The attempt is counted before it is judged; no transaction is open while argon2 or the
    network run."""
    now = utc_now()
    name = username.strip().lower()
    if platform is None and ctx.platform_login is not None:
        platform = ctx.platform_login(ctx)
    attempt = _reserve_attempt(ctx, name, now)
    matches = attempt is not None and _password_matches(attempt.password_hash, password)
    profile = None if matches else _ask_platform(platform, name, password)
    if profile is not None and profile.must_change_password:
        _clear_attempts(ctx, name)  # the platform vouched for this (temporary) password
        raise MustChangePassword()  # nothing cached: the temporary password opens nothing
    with ctx.write() as session:
        user = session.get(User, name)
        if profile is not None:
            user = _cache_platform_user(session, profile, password)
        if user is not None and user.active and (matches or profile is not None):
            return _succeed(session, user, password)
        if attempt is not None:
            _record_failure(session, name, attempt)
    # The failure count was committed before the password was judged.
    raise _failure_error(attempt) if attempt is not None else AuthError(BAD_CREDENTIALS)


def _clear_attempts(ctx: AppContext, name: str) -> None:
    with ctx.write() as session:
        user = session.get(User, name)
        if user is not None:
            user.failed_attempts, user.locked_until = 0, None


def _succeed(session: Session, user: User, password: str) -> CurrentUser:
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = utc_now()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    append_audit(session, user.username, "auth.login", user.username)
    return CurrentUser(user.username, user.full_name, Role(user.role))


def verify_password_for(ctx: AppContext, username: str, password: str,
                        platform: PlatformCheck | None = None) -> CurrentUser:
    """Unlock an idle-locked session: the same user's password, under the same lockout rules."""
    return login(ctx, username, password, platform)


def retire_demo_users(session: Session, actor: str) -> int:
    """Deactivate the demo users, whose passwords are published; returns how many."""
    demo = list(session.scalars(select(User).where(User.is_demo, User.active)))
    for user in demo:
        user.active = False
    if demo:
        append_audit(session, actor, "user.demo_retired", "users",
                     {"users": sorted(u.username for u in demo)})
    return len(demo)


def create_user(ctx: AppContext, actor: CurrentUser, username: str, full_name: str,
                role: Role, password: str) -> None:
    require(actor, Permission.MANAGE_USERS)
    if len(password) < 8:
        raise VentanillaError("La contraseña debe tener al menos 8 caracteres.")
    with ctx.write() as session:
        if session.get(User, username.lower()) is not None:
            raise VentanillaError(f"Ya existe el usuario «{username}».")
        session.add(User(username=username.lower(), full_name=full_name, role=role.value,
                         password_hash=hash_password(password)))
        append_audit(session, actor.username, "user.create", username.lower(),
                     {"role": role.value})
