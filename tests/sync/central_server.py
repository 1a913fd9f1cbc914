"""The real central platform (central.app) served by uvicorn on a loopback port, in a thread.

Unlike tests.central_harness.central_server (which this mirrors), it can stop and start again on the
same port and database, to simulate the platform going away and coming back while the window's
saved server URL stays the same. `db` is for central.admin calls and assertions.

Like a real platform, it publishes its catálogo (the demo one, as platform version 1) before any
window enrolls, unless built with `catalog=False`.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from central import admin
from central.app import create_app
from central.db import Database
from desktop.demo import DEMO_BUNDLE_PATH
from tests.central_harness import REQUIRE_PG_ENV, fresh_pg_schema, pg_base_url
from wire.canonical import canonical_json
from wire.protocol import MAX_BATCH

OFFICE = "HMO"
OFFICE_NAME = "Oficina Centro"
MUNICIPIO = "Hermosillo"


def demo_payload() -> dict[str, Any]:
    envelope = json.loads(DEMO_BUNDLE_PATH.read_text(encoding="utf-8"))
    payload: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return payload


def publish_bundle(db: Database, version: int, extra_tramite: str | None = None) -> None:
    """Publish the demo catálogo as `version`, optionally with one more trámite."""
    payload = demo_payload()
    payload["version"] = version
    if extra_tramite:
        nuevo = json.loads(json.dumps(payload["tramites"][0]))
        nuevo["homoclave"], nuevo["nombre"] = extra_tramite, "Trámite nuevo publicado"
        payload["tramites"].append(nuevo)
    admin.publish_config(db, canonical_json(payload))


class CentralServer:
    def __init__(self, db_url: str, *, catalog: bool = True, max_batch: int = MAX_BATCH) -> None:
        self.db_url = db_url
        self.max_batch = max_batch  # below the protocol's: a platform from before it was raised
        self.db = Database(self.db_url)
        admin.init_platform(self.db)
        admin.create_office(self.db, OFFICE, OFFICE_NAME, MUNICIPIO)
        if catalog:
            publish_bundle(self.db, 1)
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CentralServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        app = create_app(self.db_url, max_batch=self.max_batch)
        config = uvicorn.Config(app, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        daemon=True, name="central-server")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("central server did not start")
            time.sleep(0.01)
        self._socket = sock
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        self._server = self._thread = None

    def enroll_code(self, ventanilla: str = "V01") -> str:
        return admin.create_enroll_code(self.db, OFFICE, ventanilla)

    def close(self) -> None:
        self.stop()
        self.db.dispose()


@contextmanager
def central_db_url(kind: str, folder: Path) -> Iterator[str]:
    """An empty central database: a SQLite file in `folder`, or a fresh PostgreSQL schema (the
    test is skipped without a reachable PostgreSQL, unless $VENTANILLA_REQUIRE_PG is set)."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'central.db'}"
        return
    base = pg_base_url()
    if base is None:
        message = "PostgreSQL not reachable (run `bash scripts/postgres.sh start`)"
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(message)
        pytest.skip(message)
    with fresh_pg_schema(base) as url:
        yield url
