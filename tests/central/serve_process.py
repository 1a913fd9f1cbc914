"""`python -m central serve` as a real process on a free loopback port, for multi-process tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """`serve --db URL --port P [--workers N]`; `stop()` returns what it wrote on stderr."""

    def __init__(self, db_url: str, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "central", "serve", "--db", db_url, "--port", str(self.port),
             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self, timeout: float = 30) -> ServeProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited: {self.stop()}")
            try:
                requests.get(self.url + "/v1/sync/pull", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"serve did not answer in {timeout} s")

    def cpu_seconds(self) -> float:
        """User + system CPU the process has used so far (Linux /proc; 0 elsewhere): on a shared
        machine the CPU a side spent says more than the wall clock."""
        stat = Path(f"/proc/{self.proc.pid}/stat")
        if not stat.exists():
            return 0.0
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, stderr = self.proc.communicate(timeout=30)
        return stderr or ""
