"""Borradores: save with Ctrl+B, find them in the list, resume exactly where they were."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.access.permissions import CurrentUser
from desktop.capture.drafts import DraftInput, save_draft
from desktop.context import AppContext
from localdb.models import Draft, Expediente
from ui.main_window import DRAFTS
from ui.tasks import TaskRunner

from .conftest import ANSWERS, GOOD_CURP, TRAMITE, WindowFactory, settle
from .driving import choose, fill_answers, start_predial


def test_draft_saved_listed_resumed_and_captured(
    qtbot: QtBot, ctx: AppContext, make_window: WindowFactory, runner: TaskRunner,
    sample_png: Path,
) -> None:
    window, view = start_predial(qtbot, make_window, runner)
    fill_answers(qtbot, view, {"nombre": ANSWERS["nombre"], "curp": GOOD_CURP})
    requisito = view.setup.tramite.requisitos[0].clave
    view.findChild(object, f"requisito_{requisito}").setChecked(True)
    view.anexos.add_files([sample_png])
    settle(qtbot, runner)

    with qtbot.waitSignal(view.draft_saved, timeout=10_000):
        qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_B,
                       Qt.KeyboardModifier.ControlModifier)
    assert "Borrador guardado" in view.sidebar.note.text()
    assert not view.dirty

    # Leave the capture, then come back to it from the list.
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    settle(qtbot, runner)
    assert window.pages.currentIndex() == DRAFTS
    model = window.drafts.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == TRAMITE
    assert model.index(0, 1).data() == ANSWERS["nombre"]

    qtbot.keyClick(window.drafts.table, Qt.Key.Key_Return)
    settle(qtbot, runner)
    resumed = window.capture.capture
    assert resumed is not None and resumed is not view and resumed.isVisible()
    assert resumed.form.raw_answers()["curp"] == GOOD_CURP
    assert resumed.findChild(object, f"requisito_{requisito}").isChecked()
    assert [a.filename for a in resumed.anexos.attachments()] == ["identificacion.png"]
    assert not resumed.dirty  # restoring the borrador is not a change to confirm on Esc

    fill_answers(qtbot, resumed, {k: v for k, v in ANSWERS.items() if k != "nombre"})
    choose(resumed, "motivo", "credito")
    resumed.requisitos.check_all()
    resumed.save()
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=10_000)
    settle(qtbot, runner)
    with ctx.write() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0
        assert session.scalars(select(Expediente)).one().answers["motivo"] == "credito"


def test_deleting_a_draft_asks_first(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, make_window: WindowFactory,
    runner: TaskRunner,
) -> None:
    save_draft(ctx, operador, DraftInput("HMO-TM-002", 1, {"nombre": "Rosa Ávila"}))
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F4)
    settle(qtbot, runner)
    assert window.drafts.model.rowCount() == 1
    for answer, remaining in (("Conservar", 1), ("Eliminar", 0)):
        window.drafts.delete_current()
        [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        qtbot.mouseClick(next(b for b in box.buttons() if b.text() == answer),
                         Qt.MouseButton.LeftButton)
        settle(qtbot, runner)
        assert window.drafts.model.rowCount() == remaining
