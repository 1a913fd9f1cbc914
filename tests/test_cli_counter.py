"""The counter's command line as a newcomer meets it, run as real processes: the catálogo and an
answers file to fill, requisitos never taken as received by omission, honest exit codes, quiet
on a closed pipe, and every README example running as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.capture.answers_file import read_capture_file
from localdb.models import SyncState
from tests.demo_office import open_demo_office
from tests.test_cli import ROOT, run

EXAMPLE = ROOT / "docs/ejemplos/respuestas-HMO-SPM-001.json"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo office with one expediente captured from the README's example answers file."""
    data = tmp_path_factory.mktemp("cli") / "d"
    assert run(data, "init").returncode == 0
    done = run(data, "capture", "--tramite", "HMO-SPM-001", "--answers", str(EXAMPLE),
               "--user", "operador")
    assert done.returncode == 0, done.stderr
    return data


def test_tramites_lists_the_catalogo_and_one_tramite_in_full(store: Path) -> None:
    listed = run(store, "tramites")
    assert listed.returncode == 0
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert len(rows) == 15
    assert ["HMO-TM-003", "Licencia de funcionamiento", "Tesorería Municipal"] in rows
    one = run(store, "tramites", "HMO-TM-003").stdout
    assert re.search(r"giro\s+seleccion\s+requerido .*abarrotes, alimentos, oficinas, taller",
                     one)
    assert re.search(r"fecha_inicio\s+fecha\s+requerido .*dd/mm/aaaa", one)
    assert "constancia_fiscal: Constancia de situación fiscal" in one
    assert "5 UMA ($586.55)" in one
    unknown = run(store, "tramites", "NO-EXISTE")
    assert unknown.returncode == 2 and unknown.stderr.strip()


def test_the_plantilla_is_an_answers_file_naming_every_campo_and_requisito(
    store: Path, tmp_path: Path,
) -> None:
    printed = run(store, "tramites", "HMO-DPC-001", "--plantilla")
    assert printed.returncode == 0
    path = tmp_path / "plantilla.json"
    path.write_text(printed.stdout, encoding="utf-8")
    template = read_capture_file(path)  # the format capture --answers reads
    assert {"nombre", "fecha_asamblea", "integrantes"} <= set(template.answers)
    assert [r.clave for r in template.requisitos] == ["identificacion", "lista_asistencia"]
    assert not any(r.recibido for r in template.requisitos)
    assert [(a.campo, a.path) for a in template.attachments] == [("acta", "acta.pdf")]


def test_a_requisito_left_out_of_the_answers_is_refused_by_name(
    store: Path, tmp_path: Path,
) -> None:
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    answers["requisitos"] = []
    path = tmp_path / "sin-requisitos.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    refused = run(store, "capture", "--tramite", "HMO-SPM-001", "--answers", str(path),
                  "--user", "operador")
    assert refused.returncode == 2
    assert "falta el requisito «identificacion»" in refused.stderr
    answers["requisitos"] = [{"clave": "identificacion"}, {"clave": "pasaporte_marciano"}]
    path.write_text(json.dumps(answers), encoding="utf-8")
    refused = run(store, "capture", "--tramite", "HMO-SPM-001", "--answers", str(path),
                  "--user", "operador")
    assert refused.returncode == 2 and "no pide «pasaporte_marciano»" in refused.stderr
    assert json.loads(run(store, "status", "--json").stdout)["expedientes"] == 1


def test_list_says_what_it_left_out_and_takes_limit_all_and_json(
    store: Path, tmp_path: Path,
) -> None:
    data = tmp_path / "d"
    ctx = open_demo_office(data)
    ctx.close()
    for _ in range(2):
        assert run(data, "capture", "--tramite", "HMO-SPM-001", "--answers", str(EXAMPLE),
                   "--user", "operador").returncode == 0
    one = run(data, "list", "--limit", "1")
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 1
    assert "Se muestran 1 de 2 expedientes; faltan 1" in one.stderr
    every = run(data, "list", "--all")
    assert len(every.stdout.splitlines()) == 2 and every.stderr == ""
    as_json = json.loads(run(data, "list", "--json").stdout)
    assert as_json["total"] == 2 and as_json["expedientes"][0]["total"] == "555.00"
    assert run(data, "list", "--limit", "0").returncode == 2


def test_a_closed_pipe_ends_the_command_quietly(store: Path) -> None:
    env = {**os.environ, "VENTANILLA_CREDENTIALS": "file"}
    piped = subprocess.run(
        f"{sys.executable} main.py --data-dir {store} status --json | head -1",
        shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert piped.stdout == "{\n"
    assert piped.stderr == ""


def test_print_with_no_printer_exits_2_and_says_what_to_do(store: Path) -> None:
    folio = run(store, "list", "--limit", "1").stdout.split("\t")[0]
    refused = run(store, "print", folio)
    assert refused.returncode == 2
    assert "no hay una impresora configurada" in refused.stderr
    assert "main.py printer NOMBRE" in refused.stderr
    assert run(store, "print", "HMO-V01-2026-999999", "--pdf", "x.pdf").returncode == 2


def test_enroll_on_an_enrolled_window_says_so(tmp_path: Path) -> None:
    data = tmp_path / "d"
    ctx = open_demo_office(data)
    with ctx.write() as session:  # as enrolling leaves it: no demo, the platform's address
        state = session.get_one(SyncState, 1)
        state.demo, state.server_url = False, "https://plataforma.example.mx"
    ctx.close()
    again = run(data, "enroll", "https://otra.example.mx", "ABC-123", password="cualquiera")
    assert again.returncode == 2
    assert "ya está enrolado con la plataforma https://plataforma.example.mx" in again.stderr
    assert "incorrectos" not in again.stderr


def readme_cli_examples() -> list[str]:
    """The command lines of the README's "Command line" section, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_every_readme_example_of_the_command_line_runs_as_written(tmp_path: Path) -> None:
    examples = readme_cli_examples()
    assert len(examples) >= 8 and all("main.py" in line for line in examples)
    work = tmp_path / "work"
    work.mkdir()
    for name in ("main.py", "docs"):
        (work / name).symlink_to(ROOT / name)
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{venv_bin}:{os.environ['PATH']}",
           "VENTANILLA_DATA_DIR": str(tmp_path / "datos"), "VENTANILLA_CREDENTIALS": "file"}
    env.pop("VENTANILLA_PASSWORD", None)
    for line in examples:
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120)
        if not line.endswith("| head -1"):  # head closes the pipe: the pipeline says 1
            assert done.returncode == 0, f"{line}\n{done.stderr}"
        assert "Error inesperado" not in done.stderr, line
    assert (work / "respuestas.json").exists()
