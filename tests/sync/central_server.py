"""The real central platform (central.app) served by uvicorn on a loopback port, in a thread.

Stop and start again on the same port and database to simulate the platform going away and
coming back. The admin side (`db`) is central.admin's own functions over the same database.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from central import admin
from central.app import create_app
from central.db import Database

OFFICE = "HMO"
OFFICE_NAME = "Oficina Centro"
MUNICIPIO = "Hermosillo"


class CentralServer:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{folder / 'central.db'}"
        self.db = Database(self.db_url)
        admin.init_platform(self.db)
        admin.create_office(self.db, OFFICE, OFFICE_NAME, MUNICIPIO)
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
        config = uvicorn.Config(create_app(self.db_url), log_level="warning", lifespan="on",
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
