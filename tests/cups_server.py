"""A private CUPS scheduler for tests: `cupsd` in the foreground with every folder in a temporary
directory of its own, listening only on a Unix socket there, so it never touches the system's CUPS.

Point `lp`/`lpstat`/`lpadmin` at it with CUPS_SERVER=<socket>. Queues added with `add_queue` are
raw: CUPS passes the PDF through unchanged to the queue's device URI (an ippeveprinter).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SEARCH = "/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"
FOLDERS = ("conf", "spool", "cache", "state", "tmp", "log")


def find_cupsd() -> str | None:
    """cupsd (Debian package cups-daemon) and lpadmin, or None when either is missing."""
    cupsd = shutil.which("cupsd", path=SEARCH)
    return cupsd if cupsd and shutil.which("lpadmin", path=SEARCH) else None


@dataclass
class CupsServer:
    socket: Path
    log: Path

    def env(self) -> dict[str, str]:
        return {"CUPS_SERVER": str(self.socket), "PATH": SEARCH}

    def add_queue(self, name: str, device_uri: str) -> None:
        lpadmin = shutil.which("lpadmin", path=SEARCH) or "lpadmin"
        subprocess.run([lpadmin, "-p", name, "-v", device_uri, "-E"], env=self.env(),
                       check=True, capture_output=True, timeout=30)


def _write_config(root: Path) -> tuple[Path, Path]:
    conf = root / "conf"
    cupsd_conf, files_conf = conf / "cupsd.conf", conf / "cups-files.conf"
    cupsd_conf.write_text(
        f"Listen {root / 'cups.sock'}\nLogLevel info\nBrowsing Off\nWebInterface No\n"
        "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
    files_conf.write_text(
        f"ServerRoot {conf}\nRequestRoot {root / 'spool'}\nCacheDir {root / 'cache'}\n"
        f"StateDir {root / 'state'}\nTempDir {root / 'tmp'}\n"
        f"ErrorLog {root / 'log' / 'error_log'}\nAccessLog {root / 'log' / 'access_log'}\n"
        f"PageLog {root / 'log' / 'page_log'}\n")
    return cupsd_conf, files_conf


def _wait_running(server: CupsServer, process: subprocess.Popen[bytes],
                  timeout: float = 10.0) -> None:
    lpstat = shutil.which("lpstat", path=SEARCH) or "lpstat"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cupsd exited: {server.log.read_text(errors='replace')[-2000:]}")
        done = subprocess.run([lpstat, "-r"], env=server.env(), capture_output=True, text=True,
                              timeout=5, check=False)
        if done.stdout.strip() == "scheduler is running":
            return
        time.sleep(0.1)
    raise TimeoutError("cupsd did not start")


@contextmanager
def running_cupsd(executable: str) -> Iterator[CupsServer]:
    """Start cupsd in a fresh folder under the system temp dir, removed afterwards.

    Not under pytest's tmp_path: CUPS runs its backends as user lp, which must be able to reach
    the spooled job, and a Unix socket path must stay under ~100 characters.
    """
    with tempfile.TemporaryDirectory(prefix="ventanilla-cups-") as folder:
        root = Path(folder)
        root.chmod(0o755)
        for name in FOLDERS:
            (root / name).mkdir()
        cupsd_conf, files_conf = _write_config(root)
        server = CupsServer(root / "cups.sock", root / "log" / "error_log")
        with (root / "log" / "stderr").open("wb") as stderr:
            process = subprocess.Popen([executable, "-f", "-c", str(cupsd_conf), "-s",
                                        str(files_conf)], stdout=subprocess.DEVNULL,
                                       stderr=stderr)
        try:
            _wait_running(server, process)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
