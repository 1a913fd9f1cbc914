"""Bearer machine-token authentication, as a FastAPI dependency, with a per-process cache.

A token found valid is trusted for `TOKEN_CACHE_SECONDS` without asking the database again (one
query per request was most of a poll's cost). Revoking a machine therefore takes effect at once
in the process that revoked it (the console calls `forget_machine`) and within
`TOKEN_CACHE_SECONDS` in every other worker process; the CLI and the database itself are other
processes. An unknown or revoked token is never cached: it is looked up every time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy import select

from central.db import Database
from central.models import Machine
from central.security import sha256_hex

TOKEN_CACHE_SECONDS = 30.0
INVALID_TOKEN = "El token del equipo no es válido: vuelva a dar de alta el equipo."
MAX_CACHED_TOKENS = 100_000


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


def _lookup(db: Database, token_sha256: str) -> MachineIdentity | None:
    with db.read() as session:
        row = session.execute(
            select(Machine.id, Machine.office, Machine.ventanilla).where(
                Machine.token_sha256 == token_sha256, Machine.revoked_at.is_(None)
            )
        ).one_or_none()
    return None if row is None else MachineIdentity(row.id, row.office, row.ventanilla)


def machine_for_token(db: Database, token: str) -> MachineIdentity | None:
    """The machine of `token`; None when unknown or revoked by an admin (never cached)."""
    return _lookup(db, sha256_hex(token))


class TokenCache:
    """Valid tokens (by sha256) → their machine, each trusted for `ttl` seconds."""

    def __init__(self, db: Database, ttl: float = TOKEN_CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.db, self.ttl, self.clock = db, ttl, clock
        self._entries: dict[str, tuple[MachineIdentity, float]] = {}
        self._lock = threading.Lock()

    def machine(self, token: str) -> MachineIdentity | None:
        key = sha256_hex(token)
        now = self.clock()
        hit = self._entries.get(key)
        if hit is not None and now - hit[1] < self.ttl:
            return hit[0]
        found = _lookup(self.db, key)
        with self._lock:
            if found is None:
                self._entries.pop(key, None)
            else:
                if len(self._entries) >= MAX_CACHED_TOKENS:
                    self._entries.clear()
                self._entries[key] = (found, now)
        return found

    def forget_machine(self, machine_id: str) -> None:
        """Drop a machine's tokens now (it was revoked, or enrolled again, in this process)."""
        with self._lock:
            for key in [k for k, (m, _) in self._entries.items() if m.id == machine_id]:
                del self._entries[key]


def token_cache(request: Request) -> TokenCache:
    cache: TokenCache = request.app.state.tokens
    return cache


def current_machine(request: Request) -> MachineIdentity:
    """The machine the bearer token belongs to; 401 when the token is unknown or revoked."""
    machine = token_cache(request).machine(bearer_token(request))
    if machine is None:
        raise unauthorized(INVALID_TOKEN)
    return machine
