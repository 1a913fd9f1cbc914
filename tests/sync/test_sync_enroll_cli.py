"""Enrollment rules and the sync CLI commands (exit codes, Spanish messages)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.context import AppContext
from desktop.errors import PermissionDenied
from localdb.models import Expediente, OutboxEntry
from sync.commands import enroll_command, sync_once_command
from sync.engine import SyncEngine
from sync.enroll import AlreadyEnrolled, enroll
from sync.errors import RequestRefused, ServerUrlRefused
from sync.http import check_server_url
from tests.demo_office import open_demo_office
from tests.sync.central_server import CentralServer
from tests.sync.machines import (
    ADMIN,
    OPERADOR,
    capture_many,
    local_hashes,
    server_hashes,
    sync_state,
)


@pytest.mark.parametrize("url", [
    "https://plataforma.hermosillo.gob.mx", "https://10.0.0.5:8443/api/", "http://127.0.0.1:8000",
    "http://localhost:8000", "http://[::1]:8000", "http://127.8.9.10",
])
def test_allowed_platform_addresses(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", [
    "http://plataforma.hermosillo.gob.mx", "http://10.0.0.5:8000", "ftp://127.0.0.1",
    "plataforma.gob.mx", "https://usuario:clave@plataforma.gob.mx", "https://", "http://[::1",
    "https://plataforma.gob.mx/?x=1",
])
def test_refused_platform_addresses(url: str) -> None:
    with pytest.raises(ServerUrlRefused) as refused:
        check_server_url(url)
    assert refused.value.message.startswith(("La dirección", "Por seguridad"))


def test_demo_captures_are_not_sent_and_numbering_restarts(
        demo_ctx: AppContext, central: CentralServer) -> None:
    demo_uuids = capture_many(demo_ctx, 2, prefix="Demo")
    result = enroll(demo_ctx, ADMIN, central.url, central.enroll_code("V03"))
    assert result.discarded_demo_mutations == 2
    with demo_ctx.write() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
        assert {session.get_one(Expediente, u).sync_state for u in demo_uuids} == {"demo"}
    [real] = capture_many(demo_ctx, 1, prefix="Real")
    with demo_ctx.write() as session:
        assert session.scalars(select(OutboxEntry.mutation_id)).one() == 1
        assert session.get_one(Expediente, real).folio.startswith("HMO-V03-")
    assert SyncEngine(demo_ctx).run_once(force=True).ok
    assert set(server_hashes(central.db)) == {real}
    assert server_hashes(central.db)[real] == local_hashes(demo_ctx)[real]


def test_enrollment_rules(window: AppContext, central: CentralServer, tmp_path: Path) -> None:
    with pytest.raises(AlreadyEnrolled):
        enroll(window, ADMIN, central.url, central.enroll_code("V09"))
    fresh = open_demo_office(tmp_path / "fresh")
    try:
        with pytest.raises(PermissionDenied):
            enroll(fresh, OPERADOR, central.url, central.enroll_code("V04"))
        code = central.enroll_code("V04")
        enroll(fresh, ADMIN, central.url, code)
        other = open_demo_office(tmp_path / "other")
        try:
            with pytest.raises(RequestRefused) as used:
                enroll(other, ADMIN, central.url, code)  # one-time code
            assert "ya se usó" in used.value.message
            assert sync_state(other).demo
        finally:
            other.close()
    finally:
        fresh.close()


def test_enroll_command_exit_codes(demo_ctx: AppContext, central: CentralServer,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert enroll_command(demo_ctx, "http://plataforma.gob.mx", "ABCD", ADMIN) == 2
    assert "HTTPS" in capsys.readouterr().err
    assert enroll_command(demo_ctx, central.url, "  ", ADMIN) == 2
    assert "código" in capsys.readouterr().err
    assert enroll_command(demo_ctx, central.url, "ZZZZ-ZZZZ-ZZZZ", ADMIN) == 1
    assert "no es válido" in capsys.readouterr().err
    assert enroll_command(demo_ctx, central.url, central.enroll_code("V05"), ADMIN) == 0
    out = capsys.readouterr().out
    assert "Equipo enrolado" in out and "ventanilla V05" in out
    assert "Configuración de la plataforma versión 1 aplicada." in out


def test_sync_once_command(window: AppContext, central: CentralServer,
                           capsys: pytest.CaptureFixture[str]) -> None:
    capture_many(window, 2)
    assert sync_once_command(window) == 0
    assert "Sincronizado: 2 enviado(s)" in capsys.readouterr().out
    central.stop()
    assert sync_once_command(window) == 1
    err = capsys.readouterr().err
    assert "Sin conexión" in err and "Pendientes de enviar: 0" in err


def test_sync_once_command_in_demo_mode(demo_ctx: AppContext,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert sync_once_command(demo_ctx) == 1
    assert "demostración" in capsys.readouterr().err


WATCH = """
import sys
from pathlib import Path
from desktop.context import open_context
from sync.commands import sync_watch_command
sys.exit(sync_watch_command(open_context(Path(sys.argv[1])), 0.5))
"""


def test_sync_watch_runs_until_ctrl_c(window: AppContext, central: CentralServer) -> None:
    capture_many(window, 1)
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "VENTANILLA_CREDENTIALS": "file", "PYTHONPATH": str(repo)}
    child = subprocess.Popen([sys.executable, "-c", WATCH, str(window.data_dir)], cwd=repo,
                             env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    watchdog = threading.Timer(30, child.kill)  # never hang the suite if it never connects
    watchdog.start()
    lines = []
    for line in child.stdout:
        lines.append(line)
        if "Conectado" in line:
            break
    child.send_signal(signal.SIGINT)
    rest, _ = child.communicate(timeout=20)
    watchdog.cancel()
    assert child.returncode == 0
    assert "Sincronizado: 1 enviado(s)" in "".join(lines)
    assert "Deteniendo" in rest
