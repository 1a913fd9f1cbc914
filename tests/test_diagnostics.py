"""The diagnostics ZIP (desktop/support/diagnostics.py, `main.py diagnostico`): versions, counts,
sync state, errors and the log tail — and none of the personal data planted in the store, in its
errors and in the technical log. Admins only.

Oracle: every byte of every file in the ZIP, searched for the planted values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.errors import PermissionDenied
from desktop.support.diagnostics import export_diagnostics
from localdb.models import Expediente, OutboxEntry, SyncState
from tests.demo_office import open_demo_office
from tests.factories import make_curp, make_rfc
from tests.sync.machines import capture_many

ROOT = Path(__file__).resolve().parents[1]
NOMBRE_PARTS = ("Zacarías", "Quintanilla", "Berumen")
STRANGER_CURP = make_curp("GOMA900215MSRRRN0")  # never in the store: only in the log
STRANGER_RFC = make_rfc("GOMA900215XY")


def _planted(data_dir: Path) -> dict[str, Any]:
    """A demo office with one expediente of a planted person, whose data also reaches an outbox
    error, the last sync error and the technical log."""
    ctx = open_demo_office(data_dir)
    try:
        capture_many(ctx, 1, prefix=" ".join(NOMBRE_PARTS))
        with ctx.write() as session:
            expediente = session.scalars(select(Expediente)).one()
            nombre, curp, answers = expediente.nombre, expediente.curp, dict(expediente.answers)
            outbox = session.scalars(select(OutboxEntry)).one()
            outbox.last_error = f"rechazado: {nombre} con CURP {curp} no coincide"
            session.get_one(SyncState, 1).last_error = f"Falló el envío de {nombre}"
    finally:
        ctx.close()
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    with (logs / "ventanilla.log").open("a", encoding="utf-8") as log:
        log.write(f"2026-11-30 01:00:00,000 INFO sync.push: pushing {nombre} {curp}\n")
        log.write(f"2026-11-30 01:00:01,000 WARNING x: {STRANGER_CURP} {STRANGER_RFC} "
                  "ana.perez@example.com 662 123 4567\n")
        log.write("2026-11-30 01:00:02,000 INFO sync.engine: sync run ok\n")
    assert curp
    return {"nombre": nombre, "curp": curp, "answers": answers}


def _zip_text(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_zip_has_versions_counts_and_no_personal_data(tmp_path: Path) -> None:
    data = tmp_path / "datos"
    planted = _planted(data)
    target = tmp_path / "diagnostico.zip"
    env = {**os.environ, "VENTANILLA_PASSWORD": "admin123", "VENTANILLA_CREDENTIALS": "file"}
    done = subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "diagnostico",
                           str(target), "--user", "admin"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Diagnóstico guardado" in done.stdout

    files = _zip_text(target)
    assert set(files) == {"diagnostico.json", "registro.txt"}
    everything = "\n".join(files.values())
    secrets = [planted["curp"], STRANGER_CURP, STRANGER_RFC, "ana.perez@example.com",
               "123 4567", *NOMBRE_PARTS]
    # every answer but short numbers (a year is nobody's data; dates come as timestamps too)
    secrets += [s for s in _strings(planted["answers"]) if len(s) >= 4
                and not (s.isdigit() and len(s) < 5)]
    found = [s for s in secrets if s.casefold() in everything.casefold()]
    assert found == []

    report = json.loads(files["diagnostico.json"])
    assert report["versiones"]["esquema"] and report["versiones"]["python"]
    assert report["versiones"]["configuracion"] >= 1
    assert report["conteos"]["expedientes_por_estado"] == {"capturado": 1}
    assert report["conteos"]["envios_por_estado"] == {"pending": 1}
    assert report["ultimos_errores"]["envios"][0]["error"].startswith("rechazado: [dato]")
    assert report["sincronizacion"]["ultimo_error"].startswith("Falló el envío de [dato]")
    assert report["sin_conexion"]["exenta"] is True  # a demo office
    assert "sync run ok" in files["registro.txt"]  # the log tail is there, scrubbed


@pytest.mark.parametrize("role", [Role.OPERADOR, Role.SUPERVISOR])
def test_only_an_admin_may_export(tmp_path: Path, role: Role) -> None:
    ctx = open_demo_office(tmp_path / "datos")
    target = tmp_path / "diagnostico.zip"
    try:
        with pytest.raises(PermissionDenied, match="exportar el diagnóstico"):
            export_diagnostics(ctx, CurrentUser("x", "X", role), target)
    finally:
        ctx.close()
    assert not target.exists()


def test_the_cli_refuses_an_operador(tmp_path: Path) -> None:
    data = tmp_path / "datos"
    open_demo_office(data).close()
    env = {**os.environ, "VENTANILLA_PASSWORD": "operador123", "VENTANILLA_CREDENTIALS": "file"}
    done = subprocess.run([sys.executable, "main.py", "--data-dir", str(data), "diagnostico",
                           str(tmp_path / "d.zip"), "--user", "operador"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no tiene permiso para exportar el diagnóstico" in done.stderr
    assert not (tmp_path / "d.zip").exists()
