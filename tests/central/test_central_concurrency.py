"""Concurrent writers on one database (SQLite and PostgreSQL), and transient faults → 503."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import psycopg
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from central import admin
from central.models import Expediente
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central_harness import CentralServer, running_central


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_same_batch_pushed_twice_at_once_applies_each_once(
    central_server: CentralServer,
) -> None:
    machine = enroll(central_server)
    twin = CounterMachine(**{**machine.__dict__, "http": requests.Session()})
    payloads = [machine.payload() for _ in range(150)]
    batch = [mutation(i + 1, p) for i, p in enumerate(payloads)]

    a, b = _together(lambda: machine.push(batch), lambda: twin.push(batch))

    assert a.status_code == b.status_code == 200
    results = a.json()["results"] + b.json()["results"]
    applied = sorted(r["mutation_id"] for r in results if r["status"] == "applied")
    assert applied == list(range(1, 151))
    assert a.json()["last_mutation_id"] == b.json()["last_mutation_id"] == 150
    with central_server.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Expediente)) == 150


def test_one_code_enrolled_twice_at_once_makes_one_machine(
    central_server: CentralServer,
) -> None:
    code = central_server.enroll_code(ventanilla="V07")

    def attempt() -> requests.Response:
        return requests.post(central_server.url + "/v1/enroll", json={"code": code}, timeout=30)

    answers = _together(*[attempt for _ in range(4)])

    assert sorted(a.status_code for a in answers) == [200, 401, 401, 401]
    assert [m.ventanilla for m in admin.list_machines(central_server.db)] == ["V07"]


def test_concurrent_windows_never_let_a_reader_skip_a_version(
    central_server: CentralServer,
) -> None:
    writers = [enroll(central_server, ventanilla=f"V0{i}") for i in range(1, 4)]
    reader = enroll(central_server, ventanilla="V09")
    done = threading.Event()
    seen: list[int] = []

    def write(machine: CounterMachine) -> None:
        for batch in range(4):
            base = batch * 15
            machine.push([mutation(base + i + 1, machine.payload()) for i in range(15)])

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            page = reader.pull(cursor, limit=7).json()
            seen.extend(c["version"] for c in page["changes"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    reader_thread = threading.Thread(target=read)
    reader_thread.start()
    _together(*[lambda m=m: write(m) for m in writers])
    done.set()
    reader_thread.join(timeout=60)

    assert seen == list(range(1, 181))


def _locked_url(db_url: str) -> str:
    """The same database, with PostgreSQL giving up on a row lock after 200 ms."""
    url = make_url(db_url)
    options = (str(url.query.get("options", "")) + " -clock_timeout=200").strip()
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _plain_pg_conninfo(db_url: str) -> dict[str, Any]:
    url = make_url(db_url)
    return {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database,
            "options": url.query["options"]}


def test_locked_database_answers_503_with_retry_after(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    db_url = central_server.db_url
    is_sqlite = db_url.startswith("sqlite")
    server_url = db_url if is_sqlite else _locked_url(db_url)
    with running_central(server_url, busy_timeout_ms=200) as base_url:
        machine.base_url = base_url
        if is_sqlite:
            blocker: Any = sqlite3.connect(str(make_url(db_url).database), isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")
        else:
            blocker = psycopg.connect(**_plain_pg_conninfo(db_url))
            blocker.execute("SELECT id FROM machines FOR UPDATE")
        busy = machine.push([mutation(1, machine.payload())])
        blocker.rollback() if not is_sqlite else blocker.execute("ROLLBACK")
        blocker.close()
        later = machine.push([mutation(1, machine.payload())])

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert busy.json()["detail"].startswith("La plataforma está ocupada")
    assert later.status_code == 200 and later.json()["last_mutation_id"] == 1
    assert admin.list_machines(central_server.db)[0].last_mutation_id == 1
