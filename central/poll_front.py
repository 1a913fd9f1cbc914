"""A window's poll answered in front of FastAPI (ARCHITECTURE §7, issue 15).

Nearly every request central gets is a window's conditional pull ("anything after my cursor?"),
10,000 windows once a minute. This ASGI middleware answers the plain ones (central.poll_ask)
without the app's dependency injection, ORM session or thread hops: one indexed read checks the
token against the database (a revoked machine's next poll is refused) and gives the machine, its
stored report, the epoch and its office's counter (central.poll_read). Then, by the route's rules
(`central.pull.is_quiet`, `central.pull.page_end`), it answers 304 when nothing is new, or the
page of changes; an unknown or revoked token gets the route's 401 at once (the route's token
cache is not consulted). It passes the request on to `GET /v1/sync/pull` — which validates,
answers and writes as always — for anything else: another epoch (410 there), a report that
changed (written there), a database fault. It writes nothing itself;
`last_seen` is noted in memory (central.seen). On SQLite the reads run on the event loop (an
indexed read in WAL mode takes microseconds and does not wait for writers) on the front's own
connection, so they never wait for the pool the routes' threads hold, with a short busy timeout
(a read that would wait goes to the route instead); on PostgreSQL, in the thread pool.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from central.db import Database
from central.machine_auth import INVALID_TOKEN
from central.machine_report import report_matches
from central.poll_ask import PollAsk, poll_ask
from central.poll_read import Poller, PollReader
from central.pull import is_quiet
from central.security import sha256_hex
from central.seen import SeenRecorder

T = TypeVar("T")
_JSON = ((b"content-type", b"application/json"),)


FRONT_BUSY_TIMEOUT_MS = 100


def own_database(db: Database) -> Database:
    """The database the front reads: on SQLite its own engine (only the event loop uses it, one
    connection), elsewhere `db` itself (read from the thread pool)."""
    return Database(db.url, busy_timeout_ms=FRONT_BUSY_TIMEOUT_MS) if db.is_sqlite else db


class PollFront:
    def __init__(self, app: ASGIApp, db: Database, seen: SeenRecorder) -> None:
        self.app, self.db, self.seen = app, db, seen
        self.reader = PollReader(db)
        self._db_error: type[Exception] = db.engine.dialect.loaded_dbapi.Error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ask = poll_ask(scope) if scope["type"] == "http" else None
        if ask is None or not await self._answered(ask, send):
            await self.app(scope, receive, send)

    async def _answered(self, ask: PollAsk, send: Send) -> bool:
        try:
            poller = await self._run(self.reader.poller, sha256_hex(ask.token))
            if poller is None:  # unknown, or revoked by now: refused at once, whatever is cached
                body = json.dumps({"detail": INVALID_TOKEN}).encode()
                await _send(send, 401, [*_JSON, (b"www-authenticate", b"Bearer")], body)
                return True
            if not _answerable(ask, poller):
                return False
            self.seen.note(poller.machine_id)
            if is_quiet(poller.epoch, poller.version, ask.epoch, ask.cursor):
                await _send(send, 304, [(b"etag", ask.tag.encode("latin-1"))], b"")
                return True
            body, tag = await self._run(self.reader.page, poller, ask.cursor, ask.limit)
        except (self._db_error, SQLAlchemyError):
            return False  # the route reads again and answers a fault its usual way
        headers = list(_JSON)
        if tag is not None:
            headers.append((b"etag", tag.encode("latin-1")))
        await _send(send, 200, headers, body)
        return True

    async def _run(self, read: Callable[..., T], *args: object) -> T:
        return read(*args) if self.db.is_sqlite else await run_in_threadpool(read, *args)


def _answerable(ask: PollAsk, poller: Poller) -> bool:
    """Same epoch (else 410 from the route) and a report with nothing new to write."""
    return poller.epoch == ask.epoch and (
        ask.report is None or report_matches(poller.stored_report, ask.report))


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    if body:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
