"""A real IPP printer on loopback: CUPS's `ippeveprinter`, keeping every job in a spool folder.

ippeveprinter will not start without a reachable D-Bus system bus (its Avahi client fails with
"Unable to initialize DNS-SD" even with `-r off`), so a private dbus-daemon is started for it on a
socket inside the test's folder. Nothing is advertised: `-r off`, and it listens on localhost only.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SEARCH = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]


def find_ippeveprinter() -> str | None:
    return shutil.which("ippeveprinter") or shutil.which("ippeveprinter", path=":".join(SEARCH))


@dataclass
class IppPrinter:
    uri: str
    spool: Path

    def wait_for_job(self, count: int = 1, timeout: float = 15.0) -> list[Path]:
        """The spooled documents once `count` of them are complete on disk."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            files = sorted(p for p in self.spool.rglob("*.pdf") if p.stat().st_size > 0)
            if len(files) >= count and all(p.read_bytes().rstrip().endswith(b"%%EOF")
                                           for p in files):
                return files
            time.sleep(0.1)
        raise TimeoutError(f"no job in {self.spool} after {timeout}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path,
                    timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ippeveprinter exited ({log.read_text().strip()}); it needs a "
                               "D-Bus bus, so check that dbus-daemon is installed")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"ippeveprinter not listening on {port}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def running_printer(executable: str, workdir: Path, name: str = "Ventanilla Prueba",
                    command: str = "true") -> Iterator[IppPrinter]:
    """`command` is what the printer runs on each job; one that exits non-zero aborts the job."""
    spool = workdir / "spool"
    spool.mkdir(parents=True)
    env = {"PATH": "/usr/bin:/bin"}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        dbus = shutil.which("dbus-daemon")
        if dbus:
            bus = f"unix:path={workdir / 'bus'}"
            processes.append(subprocess.Popen(
                [dbus, "--session", f"--address={bus}", "--nofork", "--nopidfile"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            env["DBUS_SYSTEM_BUS_ADDRESS"] = bus
            deadline = time.monotonic() + 5
            while not (workdir / "bus").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        port = free_port()
        log = workdir / "ippeveprinter.log"
        with log.open("wb") as log_file:
            printer = subprocess.Popen(
                [executable, "-r", "off", "-n", "localhost", "-p", str(port), "-d", str(spool),
                 "-f", "application/pdf", "-k", "-c", shutil.which(command) or command,
                 name],
                env=env, stdout=subprocess.DEVNULL, stderr=log_file)
        processes.append(printer)
        _wait_listening(port, printer, log)
        yield IppPrinter(f"ipp://localhost:{port}/ipp/print", spool)
    finally:
        for process in reversed(processes):
            _stop(process)
