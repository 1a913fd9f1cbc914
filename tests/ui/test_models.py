"""Every table model passes Qt's model tester; the expedientes model pages, sorts and searches
in SQL through the task runner."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.access.permissions import CurrentUser
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.capture.drafts import DraftInput, list_drafts, save_draft
from desktop.capture.fees import CobroLine
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext
from tests.factories import make_curp, valid_answers
from ui.cobros_panel import CobrosModel
from ui.drafts_view import DraftsModel
from ui.expedientes_model import ExpedientesModel
from ui.operations import expedientes_page
from ui.tasks import TaskRunner

from .conftest import settle

NOMBRES = ["Ana López Ruiz", "Bruno Díaz Soto", "Carla Núñez Peña", "Darío Ibarra Gil",
           "Elena Soto Vega"]


def _capture_many(ctx: AppContext, user: CurrentUser) -> list[str]:
    with ctx.write() as session:
        tramite = get_tramite(session, "HMO-TM-002")
        patron = current_bundle(session).clave_catastral_patron
    folios = []
    for i, nombre in enumerate(NOMBRES):
        curp = make_curp(f"PENJ80010{i + 1}HSRXXS0")
        answers = valid_answers(tramite, patron, nombre=nombre, curp=curp)
        request = CaptureRequest(
            homoclave=tramite.homoclave, answers=answers,
            requisitos=[RequisitoAnswer(r.clave, True) for r in tramite.requisitos])
        folios.append(capture_expediente(ctx, user, request).folio)
    return folios


def _loaded(model: ExpedientesModel) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_expedientes_model_pages_sorts_and_searches(
    qtbot: QtBot, qtmodeltester: ModelTester, ctx: AppContext, operador: CurrentUser,
    runner: TaskRunner,
) -> None:
    folios = _capture_many(ctx, operador)
    model = ExpedientesModel(lambda *args: expedientes_page(ctx, *args), runner, page_size=2)
    qtmodeltester.check(model)
    model.reload()
    settle(qtbot, runner)
    assert model.total == 5 and model.rowCount() == 2
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        settle(qtbot, runner)
    assert model.rowCount() == 5
    assert {model.index(r, 0).data() for r in range(5)} == set(folios)

    model.sort(1, Qt.SortOrder.AscendingOrder)  # solicitante, ORDER BY in SQL
    settle(qtbot, runner)
    assert _loaded(model) == NOMBRES[:2]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    settle(qtbot, runner)
    assert _loaded(model) == NOMBRES[::-1][:2]

    model.set_search("nunez")  # FTS, accents ignored
    settle(qtbot, runner)
    assert model.total == 1 and _loaded(model) == ["Carla Núñez Peña"]
    assert not model.canFetchMore(QModelIndex())
    assert model.index(0, 4).data() == "$234.62"
    assert model.index(0, 5).data() == "Por pagar"
    assert model.index(0, 6).data() == "Capturado"
    assert model.index(0, 7).data() == "Pendiente"
    model.set_search(folios[3])
    settle(qtbot, runner)
    assert _loaded(model) == [NOMBRES[3]]


def test_expedientes_model_ignores_answers_to_an_older_search(
    qtbot: QtBot, qtmodeltester: ModelTester, ctx: AppContext, operador: CurrentUser,
    runner: TaskRunner,
) -> None:
    _capture_many(ctx, operador)
    model = ExpedientesModel(lambda *args: expedientes_page(ctx, *args), runner)
    model.set_search("Ana")
    model.set_search("Bruno")
    settle(qtbot, runner)
    assert _loaded(model) == ["Bruno Díaz Soto"]
    model.set_search("")
    settle(qtbot, runner)
    assert model.rowCount() == 5
    qtmodeltester.check(model)  # loaded with rows, not only empty


def test_drafts_model(qtbot: QtBot, qtmodeltester: ModelTester, ctx: AppContext,
                      operador: CurrentUser) -> None:
    for nombre in NOMBRES[:3]:
        save_draft(ctx, operador, DraftInput("HMO-TM-002", 1, {"nombre": nombre}))
    with ctx.write() as session:
        rows = list_drafts(session, operador.username)
    model = DraftsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert {model.index(r, 1).data() for r in range(3)} == set(NOMBRES[:3])


def test_cobros_model(qtmodeltester: ModelTester) -> None:
    model = CobrosModel()
    model.set_lines([CobroLine("Expedición", "4.3.9.1", Decimal("234.62")),
                     CobroLine("Derechos", "4.3.7.2", Decimal("1050"))])
    qtmodeltester.check(model)
    assert model.index(1, 2).data() == "$1,050.00"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Concepto"
