"""Nothing lost: a capture loop killed with SIGKILL mid-write leaves every returned folio stored,
its outbox row with it, a sound database and an intact audit chain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from desktop.capture.service import capture_expediente
from desktop.context import open_context
from desktop.records.audit_verify import verify_chain
from tests.demo_office import open_demo_office
from tests.raw_store import raw_store
from tests.test_capture import OPERADOR, _request

ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(data_dir: Path, scratch: Path, wanted: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    folios: list[str] = []
    with subprocess.Popen(  # leaving the block closes the pipe and reaps the child
        [sys.executable, "-m", "tests.reliability.capture_loop", str(data_dir), str(scratch)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    ) as child:
        deadline = time.monotonic() + 120
        assert child.stdout is not None
        while len(folios) < wanted and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            folios.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)  # mid-way through the next capture
    return folios


def test_kill9_during_captures_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "datos"
    open_demo_office(data_dir).close()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    folios = _run_and_kill(data_dir, scratch, wanted=15)
    assert len(folios) == 15

    with closing(raw_store(data_dir)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in raw.execute("SELECT folio FROM expedientes")}
        outbox = raw.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert set(folios) <= stored  # every folio the operador was shown survived
    assert outbox == len(stored)  # and each one has its mutation: nothing half-written

    ctx = open_context(data_dir)  # restart: the app opens and goes on numbering
    with ctx.write() as s:
        assert verify_chain(s).ok
    nxt = capture_expediente(ctx, OPERADOR, _request(ctx, scratch)).folio
    assert nxt not in stored and int(nxt[-6:]) == len(stored) + 1
    ctx.close()
