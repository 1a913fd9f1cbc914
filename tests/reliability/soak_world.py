"""The soak's world: central as a real process on a fixed loopback port, the fault proxy in front
of it, windows enrolled in one office (each a real data folder), and their child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests

from central import admin, migrate
from central.db import Database
from sync.enroll import enroll
from tests.central.serve_process import free_port
from tests.demo_office import open_demo_office
from tests.sync.central_server import MUNICIPIO, OFFICE, OFFICE_NAME, publish_bundle
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import ADMIN

ROOT = Path(__file__).resolve().parents[2]
ROGUE_OFFICE = "NOG"
CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "VENTANILLA_CREDENTIALS": "file"}


def _spawn(args: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=CHILD_ENV,
                            stdout=log, stderr=subprocess.STDOUT)


def kill9(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL one child we started, by its pid, and reap it."""
    if proc is not None and proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)


class CentralProcess:
    """`python -m central serve` on one SQLite file and one port, killed and restarted at will."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{folder / 'central.db'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (folder / "central.log").open("ab")
        self.proc: subprocess.Popen[bytes] | None = None
        db = Database(self.db_url)
        try:
            migrate.upgrade(db)
            admin.init_platform(db)
            admin.create_office(db, OFFICE, OFFICE_NAME, MUNICIPIO)
            admin.create_office(db, ROGUE_OFFICE, "Oficina Norte", MUNICIPIO)
            publish_bundle(db, 1)
        finally:
            db.dispose()

    def start(self, timeout: float = 60) -> None:
        self.proc = _spawn(["-m", "central", "serve", "--db", self.db_url,
                            "--port", str(self.port)], self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"central exited with {self.proc.returncode}")
            try:
                requests.get(self.url + "/v1/sync/pull", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"central did not answer in {timeout} s")

    def kill(self) -> None:
        kill9(self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                kill9(self.proc)
        self._log.close()

    def enroll_code(self, office: str, ventanilla: str) -> str:
        db = Database(self.db_url)
        try:
            return admin.create_enroll_code(db, office, ventanilla)
        finally:
            db.dispose()


@dataclass
class Window:
    """One ventanilla: its data folder, its capture log, and its two children."""

    ventanilla: str
    data_dir: Path
    log_path: Path
    quota: int
    capturer: subprocess.Popen[bytes] | None = None
    syncer: subprocess.Popen[bytes] | None = None
    captures_done: bool = False
    starts: int = 0
    _out: IO[bytes] | None = field(default=None, repr=False)

    def _output(self) -> IO[bytes]:
        if self._out is None:
            self._out = (self.log_path.parent / f"{self.ventanilla}.out").open("ab")
        return self._out

    def start_capturer(self, seed: int) -> None:
        if self.captures_done:
            return
        self.starts += 1
        self.capturer = _spawn(["-m", "tests.reliability.soak_children", "capture",
                                str(self.data_dir), str(self.log_path), str(self.quota),
                                str(seed)], self._output())

    def start_syncer(self, seed: int, max_seconds: float) -> None:
        self.syncer = _spawn(["-m", "tests.reliability.soak_children", "sync",
                              str(self.data_dir), str(max_seconds), str(seed)], self._output())

    def capturer_finished(self) -> bool:
        """True once the capturer exited by itself having reached its quota."""
        if self.capturer is not None and self.capturer.poll() == 0:
            self.captures_done = True
        return self.captures_done

    def stop_children(self) -> None:
        kill9(self.capturer)
        kill9(self.syncer)

    def close(self) -> None:
        self.stop_children()
        if self._out is not None:
            self._out.close()
            self._out = None


def enroll_window(central: CentralProcess, proxy: FaultProxy, folder: Path, ventanilla: str,
                  quota: int) -> Window:
    """A demo-office data folder enrolled (through the proxy, unarmed) as `ventanilla`."""
    data_dir = folder / ventanilla.lower()
    ctx = open_demo_office(data_dir)
    try:
        enroll(ctx, ADMIN, proxy.url, central.enroll_code(OFFICE, ventanilla))
    finally:
        ctx.close()
    return Window(ventanilla, data_dir, folder / f"{ventanilla}.jsonl", quota)
