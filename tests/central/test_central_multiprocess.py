"""Two `python -m central serve` processes on one database: the same batches pushed to both at
once are applied exactly once, and a reader alternating between them never skips a version.
The database is the only coordination (ARCHITECTURE §7: stateless servers)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from central import admin
from central.db import Database
from central.models import Expediente, MutationRecord
from tests.central.central_client import CounterMachine, enroll_at, mutation
from tests.central.serve_process import ServeProcess
from tests.central_harness import publish_test_catalog

WINDOWS, BATCHES, BATCH = 4, 5, 100


@pytest.fixture
def two_servers(central_db_url: str) -> Iterator[tuple[Database, list[ServeProcess]]]:
    db = Database(central_db_url)
    admin.init_platform(db)
    publish_test_catalog(db)
    admin.create_office(db, "OFI", "Oficina")
    servers = [ServeProcess(central_db_url), ServeProcess(central_db_url)]
    try:
        for server in servers:
            server.wait_ready()
        yield db, servers
    finally:
        for server in servers:
            server.stop()
        db.dispose()


def _twin(machine: CounterMachine, base_url: str) -> CounterMachine:
    """The same machine (same token) talking to another server process."""
    return CounterMachine(**{**machine.__dict__, "base_url": base_url,
                             "http": requests.Session()})


def _push_until_acked(machine: CounterMachine, batch: list[dict[str, Any]]) -> list[Any]:
    """Like the client: resend the batch until the platform's last id covers it."""
    results: list[Any] = []
    for _ in range(50):
        response = machine.push(batch)
        if response.status_code == 200:
            body = response.json()
            results.extend(body["results"])
            if body["last_mutation_id"] >= batch[-1]["mutation_id"]:
                return results
        else:
            assert response.status_code == 503, response.text  # transient only
    raise AssertionError("batch never acknowledged")


def _drive(pair: tuple[CounterMachine, CounterMachine]) -> list[Any]:
    machine, twin = pair
    results: list[Any] = []
    with ThreadPoolExecutor(2) as pool:
        for b in range(BATCHES):
            batch = [mutation(b * BATCH + i + 1, machine.payload()) for i in range(BATCH)]
            both = [pool.submit(_push_until_acked, m, batch) for m in (machine, twin)]
            for future in both:
                results.extend(future.result(timeout=120))
    return results


def _read_all(reader: CounterMachine, urls: list[str], done: threading.Event) -> list[int]:
    """Pull pages alternately from each server until the writers are done and nothing is left."""
    seen: list[int] = []
    cursor, page_number = 0, 0
    while True:
        finished = done.is_set()
        reader.base_url = urls[page_number % len(urls)]
        page = reader.pull(cursor, limit=50).json()
        page_number += 1
        seen.extend(c["version"] for c in page["changes"])
        cursor = page["next_cursor"]
        if finished and not page["has_more"]:
            return seen


def test_two_server_processes_apply_concurrent_pushes_exactly_once(
    two_servers: tuple[Database, list[ServeProcess]],
) -> None:
    db, servers = two_servers
    urls = [s.url for s in servers]
    codes = [admin.create_enroll_code(db, "OFI", f"V{i:02d}") for i in range(WINDOWS + 1)]
    machines = [enroll_at(urls[i % 2], code) for i, code in enumerate(codes[:WINDOWS])]
    reader = enroll_at(urls[0], codes[WINDOWS])
    pairs = [(m, _twin(m, urls[(i + 1) % 2])) for i, m in enumerate(machines)]

    done = threading.Event()
    with ThreadPoolExecutor(WINDOWS + 1) as pool:
        reading = pool.submit(_read_all, reader, urls, done)
        outcomes = list(pool.map(_drive, pairs))
        done.set()
        seen = reading.result(timeout=120)

    total = WINDOWS * BATCHES * BATCH
    for machine, results in zip(machines, outcomes, strict=True):
        applied = sorted(r["mutation_id"] for r in results if r["status"] == "applied")
        assert applied == list(range(1, BATCHES * BATCH + 1)), machine.machine_id
        duplicates = [r for r in results if r["status"] == "duplicate"]
        assert len(duplicates) >= len(applied)  # both servers answered every batch
        assert len(applied) + len(duplicates) == len(results)
    assert seen == list(range(1, total + 1))  # every version once, in order, through both
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Expediente)) == total
        assert session.scalar(select(func.count()).select_from(MutationRecord)) == total
    assert {m.last_mutation_id for m in admin.list_machines(db) if m.ventanilla != "V04"} == {
        BATCHES * BATCH}
