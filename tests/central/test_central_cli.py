"""The admin CLI `python -m central …` as an administrator runs it, and `serve --workers 2`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from central import admin, migrate
from central.__main__ import main
from central.db import Database
from central.models import EnrollCode
from central.premigration import BASELINE_REVISION
from tests.central.central_client import enroll, enroll_at, mutation
from tests.central.serve_process import ServeProcess, free_port
from tests.central_harness import central_server, publish_test_catalog


def _central(*args: str, db_url: str, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central", *args, "--db", db_url], capture_output=True,
        text=True, timeout=60, env={**os.environ, **(env or {})}, cwd=cwd,
    )


class Cli:
    """`python -m central …` run in-process (same argv parsing and output, no interpreter start)."""

    def __init__(self, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db_url, self.capsys = db_url, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", self.db_url])
        out, err = self.capsys.readouterr()
        return code, out, err


def test_admin_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'central.db'}", capsys)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"format": "ventanilla-bundle/1", "version": 2}))
    monkeypatch.setenv("CENTRAL_USER_PASSWORD", "s3creto-largo")

    assert cli("init")[1].startswith("Plataforma creada")
    assert "ya inicializada" in cli("init")[1]
    assert cli("create-office", "HMO01", "Catastro Centro", "--municipio", "Hermosillo")[0] == 0
    code, out, _ = cli("enroll-code", "HMO01", "V03")
    assert code == 0 and len(out.strip()) == 14  # XXXX-XXXX-XXXX
    assert cli("add-user", "lucia", "--role", "supervisor", "--name", "Lucía Ramos")[0] == 0
    assert "versión 2 publicada" in cli("publish-config", str(bundle), "--yes")[1]
    assert cli("publish-config", str(bundle))[::2] == (
        1, "error: La versión 2 no es mayor que la publicada (2).\n")
    assert "No existe la oficina NOPE" in cli("enroll-code", "NOPE", "V01")[2]
    assert "Estado desconocido" in cli("set-status", "X-1", "perdido")[2]
    assert "No hay expediente con folio X-1" in cli("set-status", "X-1", "validado")[2]
    assert cli("reset-epoch")[1].startswith("Nueva época")
    code, out, _ = cli("machines")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["EQUIPO", "OFICINA", "VENT."]


def test_cli_lists_machines_with_their_outbox_lag(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    cli = Cli(db_url, capsys)
    with central_server(db_url) as server:
        machine = enroll(server, "HMO01", "V03")
        machine.push([mutation(i, machine.payload()) for i in (1, 2)], pending=7)
        payload = machine.payload()
        machine.push([mutation(3, payload)], pending=6)

        code, out, _ = cli("machines")
        status = cli("set-status", payload["folio"], "validado", "--official-folio", "OF-1")
        changes = machine.pull(0).json()["changes"]

    assert code == 0
    row = out.splitlines()[1].split()
    # id, office, window, last mutation, config applied (not reported by a push), app, pending
    assert row[:7] == [machine.machine_id, "HMO01", "V03", "3", "?", "0.1.0", "6"]
    assert row[7] == f"{datetime.now(UTC):%Y-%m-%d}" and row[9] == "UTC"  # last seen
    assert row[10] == "-"  # not stale
    assert status[0] == 0 and f"{payload['folio']}: validado" in status[1]
    assert changes[-1]["data"]["official_folio"] == "OF-1"


def test_default_database_and_uninitialised_serve(tmp_path: Path) -> None:
    init = subprocess.run([sys.executable, "-m", "central", "init"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    serve = _central("serve", db_url=f"sqlite:///{tmp_path / 'empty.db'}")

    assert init.returncode == 0
    assert (tmp_path / "central-data" / "central.db").is_file()
    assert serve.returncode == 1 and "init" in serve.stderr


def test_serve_with_two_workers(central_db_url: str, tmp_path: Path) -> None:
    db = Database(central_db_url)
    admin.init_platform(db)
    publish_test_catalog(db)
    admin.create_office(db, "OFI", "Oficina")
    codes = [admin.create_enroll_code(db, "OFI", f"V0{i}") for i in range(1, 3)]
    server = ServeProcess(central_db_url, workers=2)
    try:
        server.wait_ready()
        machines = [enroll_at(server.url, code) for code in codes]
        for machine in machines:
            body = machine.push([mutation(i, machine.payload()) for i in range(1, 21)]).json()
            assert body["last_mutation_id"] == 20
        rows = admin.list_machines(db)
    finally:
        stderr = server.stop()
        db.dispose()
    assert sorted(r.last_mutation_id for r in rows) == [20, 20]
    assert stderr.count("Started server process") >= 2  # really two workers


@pytest.mark.parametrize("options, logged", [((), True), (("--no-access-log",), False)])
def test_serve_access_log_option(tmp_path: Path, options: tuple[str, ...], logged: bool) -> None:
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    db = Database(db_url)
    admin.init_platform(db)
    db.dispose()
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "central", "serve", "--db", db_url,
                                 "--port", str(port), *options], stdout=log, stderr=log)
        try:
            _wait(f"http://127.0.0.1:{port}")
            answer = requests.get(f"http://127.0.0.1:{port}/v1/sync/state", timeout=10)
            assert answer.status_code == 401
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    written = (tmp_path / "serve.log").read_text()
    assert "Started server process" in written
    assert ('"GET /v1/sync/state HTTP/1.1" 401' in written) is logged


def _wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/v1/sync/pull", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("serve did not answer")


def test_enroll_code_ttl_option_on_an_older_database(central_db_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(central_db_url, capsys)
    assert cli("init")[0] == 0 and cli("create-office", "HMO01", "Catastro Centro")[0] == 0
    db = Database(central_db_url)
    try:
        migrate.downgrade(db, BASELINE_REVISION)  # an older database: before migrations, and
        with db.engine.begin() as conn:  # before codes had an expiry
            conn.exec_driver_sql("ALTER TABLE enroll_codes DROP COLUMN expires_at")
            conn.exec_driver_sql("DROP TABLE alembic_version")
        assert "ya inicializada" in cli("init")[1]  # init adds what is missing
        code, out, err = cli("enroll-code", "HMO01", "V01", "--ttl-hours", "2")
        assert code == 0 and len(out.strip()) == 14 and "vence el" in err
        assert cli("enroll-code", "HMO01", "V01", "--ttl-hours", "0")[::2] == (
            1, "error: La vigencia del código debe ser mayor que 0 y de hasta 720 horas.\n")
        with db.read() as session:
            row = session.scalars(select(EnrollCode)).one()
        assert row.expires_at is not None
        ttl = row.expires_at - row.created_at
        assert timedelta(hours=1, minutes=59) < ttl <= timedelta(hours=2)
    finally:
        db.dispose()


def test_serving_plain_http_beyond_loopback_needs_an_explicit_flag(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14: `serve --host 0.0.0.0` without a certificate refuses (exit 2), in Spanish."""
    cli = Cli(f"sqlite:///{tmp_path / 'central.db'}", capsys)
    assert cli("init")[0] == 0
    code, _out, err = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert code == 2
    assert "no es una dirección local" in err and "--ssl-certfile" in err


def test_loopback_hosts_are_recognised() -> None:
    from central.serve import is_loopback

    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.10", "::", "example.org"]))
