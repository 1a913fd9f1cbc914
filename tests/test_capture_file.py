"""`capture --answers` with a file of the wrong shape: exit 2, a Spanish reason, nothing written
(issue 14.5). Each case used to escape as "Error inesperado" (exit 1) or exhaust memory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.capture.blob_upgrade import SEALED_MARKER
from desktop.context import AppContext
from localdb.models import Expediente
from tests.factories import answers_file, valid_answers
from tests.test_cli import run

Writer = Callable[[Path, dict], None]


def _json(data: object) -> Callable[[Path, dict], None]:
    return lambda path, _answers: path.write_text(json.dumps(data), encoding="utf-8")


CASES: dict[str, tuple[Writer, str]] = {
    "answers as a list": (_json({"answers": [1, 2]}), "answers: debe ser un objeto JSON"),
    "requisito without clave": (
        lambda p, a: p.write_text(json.dumps({"answers": a, "requisitos": [{"recibido": True}]})),
        "requisitos.0.clave: falta"),
    "attachments as a dict": (
        lambda p, a: p.write_text(json.dumps({"answers": a, "attachments": {"path": "x"}})),
        "attachments: debe ser una lista"),
    "a lone surrogate": (
        lambda p, a: p.write_text(json.dumps({**a, "notas": "\ud800"}), encoding="utf-8"),
        "no son texto válido"),
    "a 5,000-digit integer": (
        lambda p, a: p.write_text('{"answers": {"superficie": ' + "9" * 5000 + "}}"),
        "demasiados dígitos"),
    "100k-deep nesting": (
        lambda p, a: p.write_text("[" * 100_000 + "]" * 100_000), "anidado en exceso"),
    "NaN": (lambda p, a: p.write_text('{"answers": {"superficie": NaN}}'), "NaN"),
    "a number past any amount": (_json({"answers": {"superficie": 1e30}}), "fuera de rango"),
    "not UTF-8": (lambda p, a: p.write_bytes(b'{"answers": {"x": "\xff"}}'), "UTF-8"),
    "a missing file": (lambda p, a: None, "Revise la ruta"),
}


@pytest.fixture
def tramite_answers(demo_ctx: AppContext) -> tuple[str, dict]:
    with demo_ctx.write() as session:
        homoclave = search_tramites(session, "")[0].homoclave
        tramite = get_tramite(session, homoclave)
        patron = current_bundle(session).clave_catastral_patron
    return homoclave, valid_answers(tramite, patron)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_of_the_wrong_shape_exits_2_and_writes_nothing(
        case: str, demo_ctx: AppContext, data_dir: Path, tmp_path: Path,
        tramite_answers: tuple[str, dict]) -> None:
    homoclave, answers = tramite_answers
    write, reason = CASES[case]
    path = tmp_path / "respuestas.json"
    write(path, answers)
    done = run(data_dir, "capture", "--tramite", homoclave, "--answers", str(path),
               "--user", "operador")
    assert done.returncode == 2, done.stderr
    assert reason in done.stderr and "Error inesperado" not in done.stderr
    with demo_ctx.write() as session:
        assert session.query(Expediente).count() == 0


def test_an_endless_attachment_is_refused_while_streaming(
        demo_ctx: AppContext, data_dir: Path, tmp_path: Path,
        tramite_answers: tuple[str, dict]) -> None:
    homoclave, answers = tramite_answers
    path = tmp_path / "respuestas.json"
    with demo_ctx.read() as session:
        data = answers_file(get_tramite(session, homoclave), answers)
    path.write_text(json.dumps({**data, "attachments": [{"path": "/dev/zero"}]}))
    done = run(data_dir, "capture", "--tramite", homoclave, "--answers", str(path),
               "--user", "operador")
    assert done.returncode == 2 and "el máximo es" in done.stderr, done.stderr
    assert not [p for p in demo_ctx.blob_dir.rglob("*")  # no partial copy left
                if p.is_file() and p.name != SEALED_MARKER]
    with demo_ctx.write() as session:
        assert session.query(Expediente).count() == 0
