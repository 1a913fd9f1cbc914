"""Run the real central server on loopback for tests (ours and the sync client's).

    with running_central(db_url) as base_url: ...       # server in a thread, any database
    with fresh_pg_schema(pg_base_url()) as db_url: ...  # an empty PostgreSQL schema per test

tests/central/conftest.py wires these into the `central_db_url` and `central_server` fixtures.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from central import admin
from central.app import create_app
from central.bundles import latest_version
from central.db import BUSY_TIMEOUT_MS, Database
from wire.canonical import canonical_json

PG_URL_ENV = "VENTANILLA_TEST_PG_URL"
REQUIRE_PG_ENV = "VENTANILLA_REQUIRE_PG"
REPO = Path(__file__).resolve().parent.parent
# The catálogo a test central publishes: central only accepts expedientes of published trámite
# versions, and tests/central/central_client.py captures TES-PRED-001 version 1.
TEST_CATALOG = {"format": "ventanilla-bundle/1", "version": 1, "tramites": [
    {"homoclave": "TES-PRED-001", "version": 1, "nombre": "Constancia de no adeudo predial"}]}


def publish_test_catalog(db: Database) -> None:
    """Publish TEST_CATALOG unless some bundle is published already."""
    with db.read() as session:
        if latest_version(session):
            return
    admin.publish_config(db, canonical_json(TEST_CATALOG))


@contextmanager
def running_central(db_url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                    app: FastAPI | None = None) -> Iterator[str]:
    """Serve create_app(db_url) (or `app`) on a free 127.0.0.1 port in a thread; yields the base
    URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app or create_app(db_url, busy_timeout_ms=busy_timeout_ms),
                            log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"central-{port}")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("central did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass(frozen=True)
class CentralServer:
    """A running, initialised central: `url` for HTTP, `db` for admin calls and assertions."""

    url: str
    db_url: str
    db: Database

    def enroll_code(self, office: str = "OFI", ventanilla: str = "V01",
                    nombre: str = "Oficina de prueba") -> str:
        """A one-time code for `office`/`ventanilla`, creating the office the first time."""
        with suppress(admin.AdminError):  # already there
            admin.create_office(self.db, office, nombre, "Hermosillo")
        return admin.create_enroll_code(self.db, office, ventanilla)


@contextmanager
def central_server(db_url: str, *, catalog: bool = True) -> Iterator[CentralServer]:
    """init + serve over `db_url` (which must be empty or already initialised); with `catalog`,
    TEST_CATALOG is published if nothing is."""
    db = Database(db_url)
    try:
        admin.init_platform(db)
        if catalog:
            publish_test_catalog(db)
        with running_central(db_url) as url:
            yield CentralServer(url=url, db_url=db_url, db=db)
    finally:
        db.dispose()


def pg_base_url() -> str | None:
    """$VENTANILLA_TEST_PG_URL, else `scripts/postgres.sh url`, if that server answers."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        try:
            url = subprocess.run(
                ["bash", str(REPO / "scripts" / "postgres.sh"), "url"],
                check=True, capture_output=True, text=True, timeout=10,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    return url if _answers(url) else None


def _answers(url: str) -> bool:
    import psycopg

    parsed = make_url(url)
    try:
        psycopg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username,
            password=parsed.password, dbname=parsed.database, connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


@contextmanager
def fresh_pg_schema(base_url: str, *, extra_options: str = "") -> Iterator[str]:
    """A new empty schema; yields a URL whose connections use it (search_path). Dropped after."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    parsed = make_url(base_url)
    params = dict(host=parsed.host, port=parsed.port, user=parsed.username,
                  password=parsed.password, dbname=parsed.database, autocommit=True)
    with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE SCHEMA "{schema}"')
    options = f"-csearch_path={schema} {extra_options}".strip()
    try:
        yield parsed.update_query_dict({"options": options}).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
