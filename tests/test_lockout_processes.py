"""The window's lockout holds when many logins race: real `main.py capture` processes, released
at the same instant, against one real SQLite store. The attempt is counted before the password
is judged, so after 4 failures only one more attempt is ever judged before the lock is in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.access.auth import login
from desktop.context import open_context
from desktop.errors import AuthError
from localdb.models import AuditEntry, Expediente, User
from tests.test_cli import ROOT, _answers_file
from wire.times import utc_now

PARALLEL = 12
RIGHT = "operador123"
JUDGED = ("auth.failed", "auth.locked", "auth.login")
# Imports everything first, then waits for the start file: all processes reach login together.
STARTER = (
    "import os, sys, time\n"
    "import main\n"
    "go = sys.argv[1]\n"
    "while not os.path.exists(go):\n"
    "    time.sleep(0.002)\n"
    "sys.exit(main.main(sys.argv[2:]))\n"
)


def _start(data: Path, go: Path, answers: Path, homoclave: str,
           password: str) -> subprocess.Popen[str]:
    env = {**os.environ, "VENTANILLA_PASSWORD": password, "VENTANILLA_CREDENTIALS": "file"}
    argv = ["--data-dir", str(data), "capture", "--tramite", homoclave,
            "--answers", str(answers), "--user", "operador"]
    return subprocess.Popen([sys.executable, "-c", STARTER, str(go), *argv], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _fail_four_times(data: Path) -> int:
    """Four wrong passwords; returns the last audit id before the race."""
    ctx = open_context(data)
    try:
        for _ in range(4):
            with pytest.raises(AuthError, match="Le quedan"):
                login(ctx, "operador", "mala")
        with ctx.read() as s:
            return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    finally:
        ctx.close()


def test_parallel_logins_after_four_failures_judge_at_most_one(tmp_path: Path) -> None:
    right_index = PARALLEL // 2
    data = tmp_path / "d"
    homoclave, answers = _answers_file(data, tmp_path)
    baseline = _fail_four_times(data)
    go = tmp_path / "go"
    procs = [_start(data, go, answers, homoclave, RIGHT if i == right_index else "mala")
             for i in range(PARALLEL)]
    time.sleep(4)  # let every process import and reach the start line
    go.touch()
    errors = [p.communicate(timeout=180)[1] for p in procs]
    outcomes = [(p.returncode, err) for p, err in zip(procs, errors, strict=True)]
    right_code, right_err = outcomes[right_index]

    ctx = open_context(data)
    with ctx.read() as s:
        judged = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.id > baseline, AuditEntry.action.in_(JUDGED)).order_by(AuditEntry.id)))
        user = s.get_one(User, "operador")
        captured = s.query(Expediente).count()
    ctx.close()

    succeeded = [i for i, (code, _) in enumerate(outcomes) if code == 0]
    assert succeeded in ([], [right_index])
    if right_code == 0:
        # The right password may only win as the one judged attempt that set the lock.
        assert judged[0] == "auth.login", judged
        assert captured == 1
        return
    assert "Usuario bloqueado" in right_err, right_err
    assert judged == ["auth.locked"], judged
    assert user.locked_until is not None and user.locked_until > utc_now()
    assert captured == 0
    assert all(code == 2 and "Usuario bloqueado" in err for code, err in outcomes), outcomes
