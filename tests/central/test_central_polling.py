"""Cheap polling (issue 15): a conditional pull answered 304 from the office's counter, last_seen
written in batches off the request path, machine tokens cached for a bounded time."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import requests
from fastapi import FastAPI
from sqlalchemy import select, update
from starlette.types import Message, Receive, Scope, Send

from central import admin
from central.app import create_app
from central.db import Database
from central.expediente_status import StatusChange, change_status
from central.machine_auth import INVALID_TOKEN, TOKEN_CACHE_SECONDS
from central.models import Machine, utc_now
from central.poll_ask import poll_ask
from central.poll_front import PollFront
from central.seen import SeenRecorder
from tests.central.central_client import CounterMachine, enroll, enroll_at, mutation
from tests.central_harness import CentralServer, publish_test_catalog, running_central
from wire.canonical import payload_sha256
from wire.protocol import PullResponse, poll_tag
from wire.window_report import WindowReport


def _poll(machine: CounterMachine, cursor: int, tag: str | None) -> tuple[int, PullResponse | None]:
    headers = {"If-None-Match": tag} if tag else {}
    response = machine.http.get(machine.base_url + "/v1/sync/pull", headers=headers, timeout=30,
                                params={"cursor": str(cursor), "epoch": machine.epoch})
    if response.status_code == 304:
        assert response.content == b""
        return 304, None
    assert response.status_code == 200
    return 200, PullResponse.model_validate(response.json())


def test_a_conditional_poll_is_304_until_the_office_writes(central_server: CentralServer) -> None:
    v1 = enroll(central_server, "OFI", "V01")
    v2 = enroll(central_server, "OFI", "V02")
    elsewhere = enroll(central_server, "OTRA", "V01")
    v1.push([mutation(1, v1.payload())])
    _, page = _poll(v2, 0, None)
    assert page is not None and len(page.changes) == 1
    cursor = page.next_cursor

    assert _poll(v2, cursor, poll_tag(v2.epoch, cursor)) == (304, None)
    elsewhere.push([mutation(1, elsewhere.payload())])  # another office: still nothing new
    assert _poll(v2, cursor, poll_tag(v2.epoch, cursor)) == (304, None)
    assert _poll(v2, cursor, poll_tag("otra-epoca", cursor))[0] == 200  # not our tag: full answer

    created = v1.payload()
    v1.push([mutation(2, created)])
    status, page = _poll(v2, cursor, poll_tag(v2.epoch, cursor))
    assert status == 200 and page is not None
    assert [c.entity_uuid for c in page.changes] == [created["uuid"]]
    assert page.next_cursor > cursor
    assert _poll(v2, page.next_cursor, poll_tag(v2.epoch, page.next_cursor)) == (304, None)


def test_an_own_change_moves_the_cursor_then_polls_are_quiet_again(
        central_server: CentralServer) -> None:
    v1 = enroll(central_server, "OFI", "V01")
    _, page = _poll(v1, 0, None)
    assert page is not None
    cursor = page.next_cursor
    v1.push([mutation(1, v1.payload())])
    status, page = _poll(v1, cursor, poll_tag(v1.epoch, cursor))
    assert status == 200 and page is not None and page.changes == []  # its own: never sent back
    assert page.next_cursor > cursor
    assert _poll(v1, page.next_cursor, poll_tag(v1.epoch, page.next_cursor)) == (304, None)


@dataclass
class Served:
    url: str
    db: Database
    app: FastAPI
    clock: list[float]

    def enroll(self, ventanilla: str = "V01") -> CounterMachine:
        return enroll_at(self.url, admin.create_enroll_code(self.db, "OFI", ventanilla))


@pytest.fixture
def served(central_db_url: str) -> Iterator[Served]:
    """Central (SQLite, then PostgreSQL) with a hand-driven clock for its token cache."""
    url = central_db_url
    db = Database(url)
    admin.init_platform(db)
    publish_test_catalog(db)
    admin.create_office(db, "OFI", "Oficina", "Hermosillo")
    app = create_app(url)
    clock = [1_000.0]
    app.state.tokens.clock = lambda: clock[0]
    try:
        with running_central(url, app=app) as base:
            yield Served(base, db, app, clock)
    finally:
        db.dispose()


def _last_seen(db: Database, machine_id: str) -> datetime | None:
    with db.read() as session:
        return session.scalar(select(Machine.last_seen).where(Machine.id == machine_id))


def test_a_poll_writes_nothing_last_seen_goes_in_the_next_batch(served: Served) -> None:
    machine = served.enroll()
    long_ago = datetime(2026, 1, 1, 8, 0)
    with served.db.write() as session:
        session.execute(update(Machine).values(last_seen=long_ago))

    before = utc_now()
    assert _poll(machine, 0, None)[0] == 200
    assert _last_seen(served.db, machine.machine_id) == long_ago  # nothing written on the poll

    assert served.app.state.seen.flush() == 1
    seen = _last_seen(served.db, machine.machine_id)
    assert seen is not None and seen >= before
    assert _poll(machine, 0, None)[0] == 200
    assert served.app.state.seen.flush() == 0  # written a moment ago: not again this minute


def test_a_revoked_token_is_refused_within_the_cache_time(served: Served) -> None:
    machine = served.enroll()
    assert _poll(machine, 0, None)[0] == 200
    with served.db.write() as session:  # revoked by another process (a worker, the CLI)
        session.execute(update(Machine).where(Machine.id == machine.machine_id)
                        .values(revoked_at=utc_now()))

    assert _poll(machine, 0, None)[0] == 200  # still cached here...
    served.clock[0] += TOKEN_CACHE_SECONDS - 1
    assert _poll(machine, 0, None)[0] == 200
    served.clock[0] += 1  # ...until the cache time is up
    refused = machine.pull(0)
    assert refused.status_code == 401
    pushed = machine.push([mutation(1, machine.payload())])
    assert pushed.status_code == 401


def test_forgetting_a_machine_refuses_its_token_at_once(served: Served) -> None:
    machine = served.enroll()
    assert _poll(machine, 0, None)[0] == 200
    with served.db.write() as session:
        session.execute(update(Machine).where(Machine.id == machine.machine_id)
                        .values(revoked_at=utc_now()))
    served.app.state.tokens.forget_machine(machine.machine_id)  # what the console does
    assert machine.pull(0).status_code == 401


def _report(pending: int) -> dict[str, str]:
    return WindowReport(app_version="0.1.0", config_version=0, pending=pending).headers()


def _quiet(machine: CounterMachine, cursor: int, extra: dict[str, str] | None = None) -> int:
    headers = {"If-None-Match": poll_tag(machine.epoch, cursor), **(extra or {})}
    response = machine.http.get(machine.base_url + "/v1/sync/pull", headers=headers, timeout=30,
                                params={"cursor": str(cursor), "epoch": machine.epoch})
    return response.status_code


def _token_cached(served: Served, machine: CounterMachine) -> bool:
    """Whether the route's token cache holds the machine (the route ran for it)."""
    entries = served.app.state.tokens._entries.values()
    return any(cached.id == machine.machine_id for cached, _ in entries)


def test_a_quiet_poll_is_answered_in_front_with_the_token_read_from_the_database(
        served: Served) -> None:
    machine = served.enroll()
    _, page = _poll(machine, 0, None)
    assert page is not None
    served.app.state.tokens.forget_machine(machine.machine_id)

    assert _quiet(machine, page.next_cursor) == 304
    assert not _token_cached(served, machine)  # answered before the route (it caches tokens)
    assert _poll(machine, page.next_cursor, None)[0] == 200  # the route: now cached
    with served.db.write() as session:  # revoked by another process
        session.execute(update(Machine).where(Machine.id == machine.machine_id)
                        .values(revoked_at=utc_now()))
    refused = machine.http.get(machine.base_url + "/v1/sync/pull", timeout=30, params={
        "cursor": str(page.next_cursor), "epoch": machine.epoch},
        headers={"If-None-Match": poll_tag(machine.epoch, page.next_cursor)})
    assert refused.status_code == 401  # the next poll, whatever the route's cache holds
    assert refused.json()["detail"] == INVALID_TOKEN
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert _poll(machine, page.next_cursor, None)[0] == 200  # the route: cached for a while


def test_a_change_written_by_another_process_reaches_the_next_quiet_poll(
        served: Served) -> None:
    v1, v2 = served.enroll("V01"), served.enroll("V02")
    created = v1.payload()
    assert v1.push([mutation(1, created)]).status_code == 200
    _, page = _poll(v2, 0, None)
    assert page is not None and len(page.changes) == 1
    cursor = page.next_cursor
    assert _quiet(v2, cursor) == 304

    other_process = Database(served.db.url)  # as the CLI's `set-status` would
    try:
        change_status(other_process, StatusChange(created["folio"], "en_revision"))
    finally:
        other_process.dispose()
    status, page = _poll(v2, cursor, poll_tag(v2.epoch, cursor))
    assert status == 200 and page is not None
    assert [c.kind for c in page.changes] == ["expediente.status"]


def test_a_quiet_poll_with_a_new_report_goes_on_and_writes_it(served: Served) -> None:
    machine = served.enroll()
    _, page = _poll(machine, 0, None)
    assert page is not None
    cursor = page.next_cursor
    assert _quiet(machine, cursor, _report(pending=3)) == 304
    assert _quiet(machine, cursor, _report(pending=3)) == 304
    with served.db.read() as session:
        row = session.get_one(Machine, machine.machine_id)
        assert (row.app_version, row.config_applied, row.pending) == ("0.1.0", 0, 3)
    assert _quiet(machine, cursor, {**_report(pending=3), "X-Ventanilla-Pendientes": "-1"}) == 422


def _scope(query: str, headers: dict[str, str]) -> Scope:
    return {"type": "http", "method": "GET", "path": "/v1/sync/pull",
            "query_string": query.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}


@pytest.mark.parametrize("query, tag", [
    ("cursor=05&epoch=e", '"e:5"'),  # not the plain form of 5
    ("cursor=-1&epoch=e", '"e:-1"'),
    ("cursor=%2B5&epoch=e", '"e:5"'),
    ("cursor=5&cursor=6&epoch=e", '"e:6"'),
    ("cursor=5&epoch=e&include_own=false", '"e:5"'),
    ("cursor=5&epoch=e&limit=0", '"e:5"'),
    ("cursor=5&epoch=e&other=1", '"e:5"'),
    (f"cursor={2**63}&epoch=e", f'"e:{2**63}"'),
    ("cursor=5", '"None:5"'),
    (f"cursor=5&epoch={'e' * 65}", f'"{"e" * 65}:5"'),
    ("cursor=5&epoch=e", '"e:6"'),
    ("cursor=5&epoch=e", '"e:5" '),
])
def test_only_a_plain_conditional_poll_is_answered_in_front(query: str, tag: str) -> None:
    headers = {"Authorization": "Bearer t", "If-None-Match": tag}
    assert poll_ask(_scope(query, headers)) is None
    plain = poll_ask(_scope("cursor=5&epoch=e&limit=1000", {**headers, "If-None-Match": '"e:5"'}))
    assert plain is not None and (plain.cursor, plain.epoch, plain.token) == (5, "e", "t")
    tag = {"If-None-Match": '"e:5"'}
    for other in (tag, {"Authorization": "Basic t", **tag},
                  {**headers, **tag, "X-Ventanilla-Pendientes": "1"}):
        assert poll_ask(_scope("cursor=5&epoch=e", other)) is None


def test_what_is_not_answered_in_front_is_still_validated(served: Served) -> None:
    machine = served.enroll()
    url = machine.base_url + "/v1/sync/pull"
    refused = machine.http.get(url + f"?cursor=-1&epoch={machine.epoch}", timeout=30,
                               headers={"If-None-Match": poll_tag(machine.epoch, -1)})
    assert refused.status_code == 422
    padded = machine.http.get(url + f"?cursor=00&epoch={machine.epoch}", timeout=30,
                              headers={"If-None-Match": poll_tag(machine.epoch, 0)})
    assert padded.status_code in (200, 304)  # the route reads 00 as 0, as it always did
    stranger = requests.get(url + f"?cursor=0&epoch={machine.epoch}", timeout=30, headers={
        "If-None-Match": poll_tag(machine.epoch, 0), "Authorization": "Bearer nadie"})
    assert stranger.status_code == 401


def test_a_page_answered_in_front_is_the_routes_page(served: Served) -> None:
    v1, v2 = served.enroll("V01"), served.enroll("V02")
    for n in range(1, 4):
        payload = v1.payload()
        payload["nombre"] = f"José Núñez Peña {n}"
        payload["content_sha256"] = payload_sha256(
            {k: v for k, v in payload.items() if k != "content_sha256"})
        assert v1.push([mutation(n, payload)]).status_code == 200
    assert v2.push([mutation(1, v2.payload())]).status_code == 200
    url = v2.base_url + "/v1/sync/pull"
    for cursor, limit in ((0, 1000), (0, 2), (2, 2), (3, 1000)):
        params = {"cursor": str(cursor), "limit": str(limit), "epoch": v2.epoch}
        route = v2.http.get(url, params=params, timeout=30)  # no If-None-Match: the route
        served.app.state.tokens.forget_machine(v2.machine_id)
        front = v2.http.get(url, params=params, timeout=30,
                            headers={"If-None-Match": poll_tag(v2.epoch, cursor)})
        assert not _token_cached(served, v2)
        assert route.status_code == front.status_code == 200
        assert front.json() == route.json()
        assert front.headers.get("ETag") == route.headers.get("ETag")
        assert front.headers["Content-Type"] == route.headers["Content-Type"]


def test_a_database_fault_in_front_passes_the_poll_on_to_the_route(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'central.db'}")
    passed_on: list[Scope] = []

    async def route(scope: Scope, _receive: Receive, _send: Send) -> None:
        passed_on.append(scope)

    def locked(_token_sha256: str) -> None:
        raise sqlite3.OperationalError("database is locked")

    front = PollFront(route, db=db, seen=SeenRecorder(db))
    front.reader.poller = locked  # type: ignore[method-assign,assignment]
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = _scope("cursor=5&epoch=e", {"Authorization": "Bearer t", "If-None-Match": '"e:5"'})
    try:
        asyncio.run(front(scope, receive, send))
    finally:
        db.dispose()
    assert passed_on == [scope] and sent == []
