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
    No transaction is open while argon2 or the network run."""
    now = datetime.now()
    name = username.strip().lower()
    if platform is None and ctx.platform_login is not None:
        platform = ctx.platform_login(ctx)
    with ctx.read() as session:
        user = session.get(User, name)
        stored = (user.password_hash, user.locked_until) if user and user.active else None
    if stored is not None:
        _check_lock(stored[1], now)
    matches = stored is not None and _password_matches(stored[0], password)
    profile = None if matches else _ask_platform(platform, name, password)
    if profile is not None and profile.must_change_password:
        raise MustChangePassword()  # nothing cached: the temporary password opens nothing
    failure: str | None = None
    with ctx.write() as session:
        user = session.get(User, name)
        if profile is not None:
            user = _cache_platform_user(session, profile, password)
        if user is None or not user.active:
            raise AuthError(BAD_CREDENTIALS)
        if matches or profile is not None:
            return _succeed(session, user, password)
        failure = _record_failure(session, user, now)
    # The failure count is committed before we tell the user.
    if failure.startswith("Usuario bloqueado"):
        raise AccountLocked(LOCK_MINUTES)
    raise AuthError(failure)


def _succeed(session: Session, user: User, password: str) -> CurrentUser:
    user.failed_attempts = 0
    user.locked_until = None
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
