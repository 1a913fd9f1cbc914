"""The gzip middleware checks the machine token before it reads or inflates a byte (issue 14)."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import requests

from central.gzip_body import BUSY, UNAUTHORIZED, GzipRequestBody
from tests.central_harness import CentralServer

BOMB = gzip.compress(b"\0" * 20_000_000)  # ~20 KB on the wire, 20 MB inflated


class _Recorder:
    """An ASGI exchange: counts the body messages read, keeps what was sent back."""

    def __init__(self, body: bytes) -> None:
        self.body, self.reads, self.sent = body, 0, []  # type: ignore[var-annotated]

    async def receive(self) -> dict[str, Any]:
        self.reads += 1
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])


def _scope(path: str) -> dict[str, Any]:
    headers = [(b"content-encoding", b"gzip"), (b"content-length", str(len(BOMB)).encode())]
    return {"type": "http", "method": "PUT", "path": path, "headers": headers}


async def _app_reached(_scope: Any, _receive: Any, _send: Any) -> None:
    raise AssertionError("the application must not be reached")


def _run(middleware: GzipRequestBody, path: str) -> _Recorder:
    exchange = _Recorder(BOMB)
    asyncio.run(middleware(_scope(path), exchange.receive, exchange.send))
    return exchange


def test_a_request_without_a_valid_token_is_refused_before_its_body_is_read() -> None:
    async def no_machine(_scope: Any) -> bool:
        return False

    middleware = GzipRequestBody(_app_reached, lambda _p: 100 * 1_048_576, no_machine)
    exchange = _run(middleware, "/v1/attachments/" + "a" * 64)
    assert exchange.status == 401 and exchange.reads == 0
    assert UNAUTHORIZED.encode() in exchange.sent[1]["body"]
    assert middleware.budget.in_use == 0


def test_inflation_past_the_total_budget_waits_for_a_retry() -> None:
    async def known_machine(_scope: Any) -> bool:
        return True

    middleware = GzipRequestBody(_app_reached, lambda _p: 100 * 1_048_576, known_machine,
                                 budget_bytes=150 * 1_048_576)
    middleware.budget.reserve(100 * 1_048_576)  # another request is inflating right now
    exchange = _run(middleware, "/v1/attachments/" + "a" * 64)
    assert exchange.status == 503 and exchange.reads == 0
    assert BUSY.encode() in exchange.sent[1]["body"]
    assert (b"retry-after", b"5") in exchange.sent[0]["headers"]


def test_the_real_server_refuses_an_anonymous_gzip_bomb(central_server: CentralServer) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        answer = requests.put(
            central_server.url + "/v1/attachments/" + "b" * 64, data=BOMB, timeout=10,
            headers={"Content-Encoding": "gzip", **headers},
        )
        assert answer.status_code == 401
        assert answer.json()["detail"] == UNAUTHORIZED
