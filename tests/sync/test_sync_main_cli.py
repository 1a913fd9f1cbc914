"""The whole loop as an administrator types it: `main.py enroll`, `main.py sync --once`,
`main.py status --json` and `python -m central set-status`, each a real process, against the real
central on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop.context import open_context
from localdb.models import Expediente
from tests.sync.central_server import CentralServer
from tests.sync.machines import capture_many, local_hashes, server_hashes

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, password: str = "admin123") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VENTANILLA_PASSWORD": password, "VENTANILLA_CREDENTIALS": "file"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def app(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("main.py", "--data-dir", str(data), *args)


def sync_status(data: Path) -> dict[str, Any]:
    done = app(data, "status", "--json")
    assert done.returncode == 0, done.stderr
    status: dict[str, Any] = json.loads(done.stdout)["sync"]
    return status


def test_enroll_sync_and_status_from_the_command_line(central: CentralServer,
                                                      tmp_path: Path) -> None:
    data = tmp_path / "caja"
    assert app(data, "init").returncode == 0
    enrolled = app(data, "enroll", central.url, central.enroll_code("V07"), "--user", "admin")
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Equipo enrolado" in enrolled.stdout and "versión 1 aplicada" in enrolled.stdout

    ctx = open_context(data)
    try:
        [uuid, *_] = capture_many(ctx, 3)
        with ctx.write() as session:
            folio = session.get_one(Expediente, uuid).folio
    finally:
        ctx.close()
    before = sync_status(data)
    assert before["enrolled"] and before["pending_mutations"] == 3
    assert before["last_success_at"] is None and before["pull_cursor"] == 0

    central.stop()
    offline = app(data, "sync", "--once")
    assert offline.returncode == 1 and "Sin conexión" in offline.stderr
    failed = sync_status(data)
    assert failed["pending_mutations"] == 3 and "Sin conexión" in failed["last_error"]
    assert failed["last_error_at"] and failed["backoff_attempts"] == 1

    central.start()
    synced = app(data, "sync", "--once")
    assert synced.returncode == 0 and "3 enviado(s)" in synced.stdout, synced.stderr
    ok = sync_status(data)
    assert ok["pending_mutations"] == 0 and ok["last_error"] is None and ok["last_success_at"]
    machines = run("-m", "central", "machines", "--db", central.db_url)
    row = next(line.split() for line in machines.stdout.splitlines()
               if line.startswith(ok["machine_id"]))
    # window, last mutation id, configuration applied; what the window reported pending
    assert row[2:5] == ["V07", "3", "1"] and row[6] == "0"
    status = run("-m", "central", "set-status", folio, "validado", "--note", "Completo",
                 "--official-folio", "TES-9", "--db", central.db_url)
    assert status.returncode == 0, status.stderr
    assert app(data, "sync", "--once").returncode == 0
    shown = json.loads(app(data, "show", folio).stdout)
    assert (shown["status"], shown["status_note"], shown["official_folio"]) == (
        "validado", "Completo", "TES-9")
    assert sync_status(data)["pull_cursor"] > ok["pull_cursor"]
    ctx = open_context(data)
    try:
        assert server_hashes(central.db) == local_hashes(ctx)
    finally:
        ctx.close()
