"""The command line, run as a real process: exit 0 on success, 2 on bad input with a Spanish
reason on stderr and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.access.credentials import FALLBACK_WARNING
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from tests.demo_office import open_demo_office
from tests.factories import answers_file, valid_answers

ROOT = Path(__file__).resolve().parents[1]


def run(data_dir: Path, *args: str, password: str = "operador123") -> subprocess.CompletedProcess:
    env = {**os.environ, "VENTANILLA_PASSWORD": password, "VENTANILLA_CREDENTIALS": "file"}
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _answers_file(data_dir: Path, tmp_path: Path) -> tuple[str, Path]:
    ctx = open_demo_office(data_dir)
    with ctx.write() as s:
        homoclave = search_tramites(s, "")[0].homoclave
        tramite = get_tramite(s, homoclave)
        patron = current_bundle(s).clave_catastral_patron
    ctx.close()
    path = tmp_path / "answers.json"
    data = answers_file(tramite, valid_answers(tramite, patron))
    path.write_text(json.dumps(data), encoding="utf-8")
    return homoclave, path


def test_capture_list_show_status_and_verify(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert run(data, "init").returncode == 0
    homoclave, answers = _answers_file(data, tmp_path)
    done = run(data, "capture", "--tramite", homoclave, "--answers", str(answers),
               "--user", "operador")
    assert done.returncode == 0, done.stderr
    folio = done.stdout.split("folio ")[1].split(",")[0]
    assert folio in run(data, "list").stdout
    shown = json.loads(run(data, "show", folio).stdout)
    assert shown["nombre"] == "José Peña Núñez"
    status = json.loads(run(data, "status", "--json").stdout)
    assert status["expedientes"] == 1 and status["pending_mutations"] == 1
    assert status["config_version"] >= 1 and status["demo"] is True
    assert run(data, "verify-audit").returncode == 0


def test_bad_input_exits_2_in_spanish_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "d"
    homoclave, answers = _answers_file(data, tmp_path)
    bad = json.loads(answers.read_text())
    curp_key = next(k for k, v in bad["answers"].items() if isinstance(v, str) and len(v) == 18)
    bad["answers"][curp_key] = "XXXX"
    answers.write_text(json.dumps(bad))
    result = run(data, "capture", "--tramite", homoclave, "--answers", str(answers),
                 "--user", "operador")
    assert result.returncode == 2 and "CURP" in result.stderr
    wrong_pw = run(data, "capture", "--tramite", homoclave, "--answers", str(answers),
                   "--user", "operador", password="mala")
    assert wrong_pw.returncode == 2 and "incorrectos" in wrong_pw.stderr
    missing = run(data, "show", "HMO-V01-2026-999999")
    assert missing.returncode == 2 and "No existe el folio" in missing.stderr
    assert json.loads(run(data, "status", "--json").stdout)["expedientes"] == 0


def test_window_without_a_screen_explains_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "main.py", "--data-dir", str(tmp_path / "d")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "No hay una pantalla gráfica" in done.stderr
    assert "xvfb-run -a make run" in done.stderr


def test_status_keeps_warning_while_the_keys_are_in_the_credentials_file(tmp_path: Path) -> None:
    data = tmp_path / "datos"
    open_demo_office(data).close()
    status = json.loads(run(data, "status", "--json").stdout)
    assert status["credentials_warning"] == FALLBACK_WARNING
    text = run(data, "status").stdout
    assert text.startswith(f"⚠ {FALLBACK_WARNING}")
