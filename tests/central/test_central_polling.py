"""Cheap polling (issue 15): a conditional pull answered 304 from the office's counter, last_seen
written in batches off the request path, machine tokens cached for a bounded time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from central import admin
from central.app import create_app
from central.db import Database
from central.machine_auth import TOKEN_CACHE_SECONDS
from central.models import Machine, utc_now
from tests.central.central_client import CounterMachine, enroll, enroll_at, mutation
from tests.central_harness import CentralServer, publish_test_catalog, running_central
from wire.protocol import PullResponse, poll_tag


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
def served(tmp_path: Path) -> Iterator[Served]:
    """Central on SQLite with a hand-driven clock for its token cache."""
    url = f"sqlite:///{tmp_path / 'central.db'}"
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
