"""Console sessions: a random cookie whose sha256 is a row of console_sessions (deleting the row
logs out), a per-session CSRF token, and an idle expiry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from central.db import Database
from central.models import ConsoleSession, User, utc_now
from central.security import sha256_hex

IDLE_EXPIRY = timedelta(minutes=30)
TOUCH_EVERY = timedelta(seconds=30)  # last_seen is written at most this often


@dataclass(frozen=True)
class ConsoleUser:
    username: str
    full_name: str
    role: str
    office: str | None
    dependencia: str | None
    must_change_password: bool
    csrf: str
    session_id: str  # the sha256 of the cookie


def open_session(db: Database, username: str) -> str:
    """A new session for `username`; returns the cookie value (only its sha256 is kept)."""
    token = secrets.token_urlsafe(32)
    now = utc_now()
    with db.write() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen < now - IDLE_EXPIRY))
        session.add(ConsoleSession(token_sha256=sha256_hex(token), username=username,
                                   csrf_token=secrets.token_urlsafe(32), created_at=now,
                                   last_seen=now))
    return token


def user_for_cookie(db: Database, token: str) -> ConsoleUser | None:
    """The session's user; None when unknown, idle too long, or the user is inactive."""
    if not token:
        return None
    key, now = sha256_hex(token), utc_now()
    with db.read() as session:
        found = session.execute(
            select(ConsoleSession, User).join(User, User.username == ConsoleSession.username)
            .where(ConsoleSession.token_sha256 == key)
        ).one_or_none()
    if found is None or not found[1].active or found[0].last_seen < now - IDLE_EXPIRY:
        return None
    row, user = found
    if now - row.last_seen > TOUCH_EVERY:
        with db.write() as session:
            session.get_one(ConsoleSession, key).last_seen = now
    return ConsoleUser(user.username, user.full_name, user.role, user.office, user.dependencia,
                       bool(user.must_change_password), row.csrf_token, key)


def close_session(db: Database, session_id: str) -> None:
    with db.write() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_sha256 == session_id))
