"""ASGI middleware: inflate `Content-Encoding: gzip` request bodies, bounded against gzip bombs.

The sync client gzips every POST body (enroll, login, push). The inflated size is capped per path;
a larger body (or a declared Content-Length far past the cap) is answered 413 before any handler
runs, a corrupt one 400.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "El envío es demasiado grande."


class GzipRequestBody:
    def __init__(self, app: ASGIApp, limit_for_path: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for_path = limit_for_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for_path(scope["path"])
        if _declared_length(scope) > limit + 65_536:
            await JSONResponse({"detail": TOO_LARGE}, 413)(scope, receive, send)
            return
        if not _is_gzip(scope):
            await self.app(scope, receive, send)
            return
        raw = await _read_raw(receive, limit + 65_536)
        if raw is None:
            await JSONResponse({"detail": TOO_LARGE}, 413)(scope, receive, send)
            return
        body, error = _inflate(raw, limit)
        if error is not None:
            status = 413 if error == TOO_LARGE else 400
            await JSONResponse({"detail": error}, status)(scope, receive, send)
            return
        await self.app(_plain_scope(scope, len(body)), _replay(body, receive), send)


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
