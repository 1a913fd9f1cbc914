"""ASGI middleware: inflate `Content-Encoding: gzip` request bodies, bounded against gzip bombs.

The sync client gzips every POST body (enroll, login, push). Only the sync API (/v1/) takes a
gzip body: anywhere else (the console, whose browsers never compress a form) it is refused 415
unread. Before a byte is inflated, a path that needs a machine token must carry a valid one (401
otherwise): an anonymous client cannot make the platform allocate memory. The inflated size is
capped per path, and the bytes being inflated at once across all requests are capped too (503
with Retry-After past the budget; requests without a token, enroll's, have a budget of their
own). A larger body (or a declared Content-Length far past the cap) is answered 413 before any
handler runs, a corrupt one 400. A plain body sent chunked, with no length to judge, is refused
(413) as it is read, once it passes the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "El envío es demasiado grande."
BUSY = "La plataforma está ocupada; se reintentará en unos segundos."
NOT_GZIP = "Esta dirección no acepta cuerpos comprimidos (Content-Encoding: gzip)."
UNAUTHORIZED = "El token del equipo no es válido: vuelva a dar de alta el equipo."
TOTAL_INFLATE_BUDGET = 256 * 1_048_576  # bytes being inflated at once, all requests together

# Whether the request's bearer token belongs to a machine; None for paths that need no token.
TokenCheck = Callable[[Scope], Awaitable[bool | None]]


class InflateBudget:
    """Bytes reserved by the inflations in flight; a reservation past the total is refused."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.in_use = 0

    def reserve(self, size: int) -> bool:
        if self.in_use + size > self.total:
            return False
        self.in_use += size
        return True

    def release(self, size: int) -> None:
        self.in_use -= size


class GzipRequestBody:
    def __init__(self, app: ASGIApp, limit_for_path: Callable[[str], int],
                 token_check: TokenCheck, budget_bytes: int = TOTAL_INFLATE_BUDGET,
                 gzip_prefix: str = "/v1/") -> None:
        self.app = app
        self.gzip_prefix = gzip_prefix  # only the sync API takes gzip (browsers never send it)
        self.limit_for_path = limit_for_path
        self.token_check = token_check
        self.budget = InflateBudget(budget_bytes)
        # Requests that need no token (enroll) draw on their own, smaller budget: anonymous
        # clients sending slowly must not hold the machines' budget and starve their pushes.
        self.anonymous_budget = InflateBudget(max(budget_bytes // 16, 1))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for_path(scope["path"])
        if _declared_length(scope) > limit + 65_536:
            await JSONResponse({"detail": TOO_LARGE}, 413)(scope, receive, send)
            return
        if not _is_gzip(scope):
            await self.app(scope, _capped(receive, limit + 65_536), send)
            return
        if not scope["path"].startswith(self.gzip_prefix):
            await JSONResponse({"detail": NOT_GZIP}, 415)(scope, receive, send)
            return
        machine = await self.token_check(scope)
        if machine is False:
            headers = {"WWW-Authenticate": "Bearer"}
            await JSONResponse({"detail": UNAUTHORIZED}, 401, headers)(scope, receive, send)
            return
        budget = self.anonymous_budget if machine is None else self.budget
        if not budget.reserve(limit):
            headers = {"Retry-After": "5"}
            await JSONResponse({"detail": BUSY}, 503, headers)(scope, receive, send)
            return
        try:
            body, error = await _read_and_inflate(receive, limit)
        finally:
            budget.release(limit)
        if error is not None:
            status = 413 if error == TOO_LARGE else 400
            await JSONResponse({"detail": error}, status)(scope, receive, send)
            return
        await self.app(_plain_scope(scope, len(body)), _replay(body, receive), send)


async def _read_and_inflate(receive: Receive, limit: int) -> tuple[bytes, str | None]:
    raw = await _read_raw(receive, limit + 65_536)
    if raw is None:
        return b"", TOO_LARGE
    return _inflate(raw, limit)


def _header(scope: Scope, wanted: bytes) -> bytes:
    for name, value in scope["headers"]:
        if name == wanted:
            return bytes(value).strip()
    return b""


def _is_gzip(scope: Scope) -> bool:
    return _header(scope, b"content-encoding").lower() == b"gzip"


def _declared_length(scope: Scope) -> int:
    value = _header(scope, b"content-length")
    return int(value) if value.isdigit() else 0


async def _read_raw(receive: Receive, max_bytes: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _inflate(raw: bytes, limit: int) -> tuple[bytes, str | None]:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, limit + 1)
    except zlib.error:
        return b"", "El cuerpo gzip está dañado."
    if len(body) > limit or inflater.unconsumed_tail:
        return b"", TOO_LARGE
    if not inflater.eof:
        return b"", "El cuerpo gzip está incompleto."
    return body, None


def _capped(receive: Receive, max_bytes: int) -> Receive:
    """`receive` that refuses (413) a plain body once it passes `max_bytes`: a chunked body
    declares no length, and the framework would otherwise read it whole into memory."""
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > max_bytes:
            raise HTTPException(413, TOO_LARGE)
        return message

    return capped


def _plain_scope(scope: Scope, length: int) -> Scope:
    headers = [
        (name, value)
        for name, value in scope["headers"]
        if name not in (b"content-encoding", b"content-length")
    ]
    headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
            return message
        return await receive()

    return replay
