"""One rounding rule on every surface: half a centavo rounds up on the screen, on paper and in the
command line, and all three show the same figures for the same expediente."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.access.permissions import CurrentUser
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import ReglaFijo, TramiteDef
from desktop.bundles.wording import describe_cobro
from desktop.capture.fees import CobroLine
from desktop.capture.validation import validate_answers
from desktop.context import AppContext
from desktop.documents.service import render_document
from printing.document_data import FeeLine
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data
from tests.document_fixtures import pdf_text
from tests.factories import answers_file, valid_answers
from ui.cobros_panel import CobrosModel, CobrosPanel
from ui.expedientes_model import ExpedientesModel
from ui.operations import expedientes_page
from ui.tasks import TaskRunner

from .conftest import settle

ROOT = Path(__file__).resolve().parents[2]
HALF = Decimal("0.125")
LICENCIA = "HMO-TM-003"  # 5 UMA + $3.50 per m² of the establishment
SUPERFICIE = "1.55"  # 1.55 m² x $3.50 = $5.425: half a centavo


def test_half_a_centavo_rounds_up_on_the_screen() -> None:
    model = CobrosModel()
    model.set_lines([CobroLine("Derecho", "4.3.1.1", HALF)])
    assert model.index(0, 2).data() == "$0.13"


def test_half_a_centavo_rounds_up_in_the_catalogo(ctx: AppContext) -> None:
    with ctx.write() as session:
        tramite = get_tramite(session, LICENCIA)
        uma = current_bundle(session).uma_diaria
    cobro = tramite.cobros[0].model_copy(update={"regla": ReglaFijo(tipo="fijo", monto=HALF)})
    assert describe_cobro(cobro, tramite, uma) == "$0.13"


def test_half_a_centavo_rounds_up_on_paper() -> None:
    data = sample_document_data(cobros=[FeeLine("Derecho", "4.3.1.1", HALF)], total=HALF)
    text = pdf_text(render_recibo(data))
    assert "$0.13" in text and "$0.12" not in text
    assert "CERO PESOS 13/100 M.N." in text


def _capture_on_the_command_line(ctx: AppContext, tramite: TramiteDef,
                                 answers: dict[str, object]) -> str:
    path = ctx.data_dir.parent / "respuestas.json"
    path.write_text(json.dumps(answers_file(tramite, answers)), encoding="utf-8")
    done = _main(ctx, "capture", "--tramite", LICENCIA, "--answers", str(path),
                 "--user", "operador")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _main(ctx: AppContext, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VENTANILLA_PASSWORD": "operador123"}
    return subprocess.run([sys.executable, "main.py", "--data-dir", str(ctx.data_dir), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _screen_while_capturing(ctx: AppContext, answers: dict[str, object]) -> CobrosPanel:
    with ctx.write() as session:
        tramite = get_tramite(session, LICENCIA)
        bundle = current_bundle(session)
    panel = CobrosPanel(tramite, bundle.uma_diaria)
    panel.update_answers(validate_answers(
        tramite, answers, clave_catastral_patron=bundle.clave_catastral_patron).cleaned)
    return panel


def test_screen_paper_and_command_line_agree_for_one_expediente(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, runner: TaskRunner,
) -> None:
    with ctx.write() as session:
        tramite = get_tramite(session, LICENCIA)
        patron = current_bundle(session).clave_catastral_patron
    answers = {**valid_answers(tramite, patron), "superficie_m2": SUPERFICIE}
    panel = _screen_while_capturing(ctx, answers)
    lines = [[panel.model.index(r, c).data() for c in range(3)]
             for r in range(panel.model.rowCount())]
    total = panel.total_label.text()
    assert lines[1] == ["Derechos por superficie del establecimiento", "4.3.7.2", "$5.43"]

    said = _capture_on_the_command_line(ctx, tramite, answers)
    folio = said.split("folio ")[1].split(",")[0]
    assert said == f"Expediente capturado: folio {folio}, total {total}"

    table = ExpedientesModel(lambda *args: expedientes_page(ctx, *args), runner)
    table.reload()
    settle(qtbot, runner)
    assert (table.index(0, 0).data(), table.index(0, 4).data()) == (folio, total)

    listed = _main(ctx, "list").stdout.split("\t")
    assert listed[0] == folio and listed[4] == total

    paper = pdf_text(render_document(ctx, operador, folio, "recibo", "carta").pdf)
    for concepto, cri, importe in lines:
        assert f"{cri} {importe}" in paper, (concepto, paper)
    assert total in paper
