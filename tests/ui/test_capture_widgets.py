"""The capture screen's pieces as the operador meets them: field widgets, anexos, discard,
the known-CURP offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.access.permissions import CurrentUser
from desktop.bundles.schema import Campo, Opcion
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext
from localdb.models import Expediente
from ui.anexos_panel import AnexosPanel
from ui.capture_sidebar import READY
from ui.field_widgets import make_editor
from ui.main_window import CATALOG
from ui.tasks import TaskRunner

from .conftest import ANSWERS, GOOD_CURP, WindowFactory, settle
from .driving import choose, fill_answers, open_capture, start_predial, type_into, type_text


def test_each_tipo_gets_its_widget_and_round_trips(qtbot: QtBot) -> None:
    curp = make_editor(Campo(clave="curp", etiqueta="CURP", tipo="curp"))
    qtbot.addWidget(curp.widget)
    qtbot.keyClicks(curp.focus_widget, "gode561231hsrrrn00!!")
    assert curp.value() == GOOD_CURP  # upper-cased, 18 characters, symbols refused
    numero = make_editor(Campo(clave="m2", etiqueta="m²", tipo="numero"))
    qtbot.addWidget(numero.widget)
    qtbot.keyClicks(numero.focus_widget, "12a,5")
    assert numero.value() == "12.5"
    fecha = make_editor(Campo(clave="f", etiqueta="Fecha", tipo="fecha"))
    assert fecha.value() == ""
    fecha.set_value("2026-03-15")
    assert fecha.value() == "2026-03-15"
    giro = make_editor(Campo(clave="g", etiqueta="Giro", tipo="seleccion",
                             opciones=[Opcion(valor="a", etiqueta="Abarrotes")]))
    assert giro.value() == ""
    giro.set_value("a")
    assert giro.value() == "a"
    alcohol = make_editor(Campo(clave="b", etiqueta="¿Alcohol?", tipo="booleano"))
    alcohol.set_value(True)
    assert alcohol.value() is True
    for editor in (fecha, giro, alcohol):
        editor.widget.deleteLater()


def test_enter_moves_to_the_next_campo_and_required_are_marked(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    _, view = start_predial(qtbot, make_window, runner)
    nombre = view.form.editor("nombre").focus_widget
    nombre.setFocus()
    qtbot.keyClick(nombre, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.form.editor("curp").focus_widget
    labels = [c.label.text() for c in view.form._cells.values()]
    assert "CURP *" in labels and "Correo electrónico" in labels
    assert view.sidebar.status_text().startswith("Falta: Nombre completo del solicitante")


def test_required_left_empty_shows_its_error_on_leaving(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    _, view = start_predial(qtbot, make_window, runner)
    type_into(qtbot, view, "telefono", "662")
    assert view.form.error_text("telefono") != ""
    type_into(qtbot, view, "nombre", "")
    assert view.form.error_text("nombre") == "Este dato es obligatorio."


def _drag_and_drop(panel: AnexosPanel, paths: list[Path]) -> None:
    """What the window system sends when files are dragged in: DragEnter, then Drop.

    Qt hands a Drop only to the widget that accepted the DragEnter before it; a Drop sent on
    its own is discarded (that is why an earlier version of this test saw no attachments)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = panel.rect().center()
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(where), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, drop)
    assert drop.isAccepted()


def _inspected(qtbot: QtBot, panel: AnexosPanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_inspecting(), timeout=10_000)


def test_anexos_refuse_big_and_unknown_files_with_a_clear_message(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, sample_png: Path,
) -> None:
    panel = AnexosPanel(1, runner)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    big = tmp_path / "escaneo.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 1_300_000)
    panel.add_files([big])
    _inspected(qtbot, panel)
    assert panel.error_text() == ("«escaneo.pdf» pesa 1.2 MB y el máximo permitido es 1 MB. "
                                  "Escanéelo con menor resolución o en blanco y negro.")
    text = tmp_path / "notas.txt"
    text.write_text("hola")
    panel.add_files([text, tmp_path / "ya-no-existe.pdf"])
    _inspected(qtbot, panel)
    assert panel.error_text().splitlines() == [
        "«notas.txt» no es un PDF, JPG ni PNG; no se agregó.",
        "No se pudo leer «ya-no-existe.pdf»: revise que el archivo siga en su lugar y que se "
        "pueda abrir."]
    assert panel.attachments() == []

    small_pdf = tmp_path / "acta.pdf"
    small_pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    _drag_and_drop(panel, [sample_png, small_pdf])
    _inspected(qtbot, panel)
    # Shown in the order they were dropped, each with a thumbnail or the PDF icon.
    assert [a.filename for a in panel.attachments()] == ["identificacion.png", "acta.pdf"]
    assert [panel.list.item(i).text() for i in range(2)] == ["identificacion.png", "acta.pdf"]
    assert all(panel.list.item(i).icon().availableSizes() for i in range(2))
    assert panel.error_text() == ""
    panel.list.setCurrentRow(0)
    panel.remove_selected()
    assert [a.filename for a in panel.attachments()] == ["acta.pdf"]


def _discard_box(window: object) -> QMessageBox:
    boxes = [b for b in window.findChildren(QMessageBox)  # type: ignore[attr-defined]
             if b.objectName() == "discardDialog" and b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_escape_asks_before_discarding(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window, view = start_predial(qtbot, make_window, runner)
    type_into(qtbot, view, "nombre", ANSWERS["nombre"])
    qtbot.keyClick(view.form.editor("curp").focus_widget, Qt.Key.Key_Escape)
    box = _discard_box(window)
    keep = next(b for b in box.buttons() if b.text() == "Seguir capturando")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert window.capture.capture is view
    assert view.form.raw_answers()["nombre"] == ANSWERS["nombre"]

    qtbot.keyClick(view.form.editor("curp").focus_widget, Qt.Key.Key_Escape)
    box = _discard_box(window)
    discard = next(b for b in box.buttons() if b.text() == "Descartar")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.capture.capture is None)
    assert window.pages.currentIndex() == CATALOG


def test_known_curp_offers_to_fill_the_applicant(
    qtbot: QtBot, ctx: AppContext, operador: CurrentUser, make_window: WindowFactory,
    runner: TaskRunner,
) -> None:
    answers = {**ANSWERS, "curp": GOOD_CURP, "motivo": "otro"}
    capture_expediente(ctx, operador, CaptureRequest(
        homoclave="HMO-TM-002", answers=answers,
        requisitos=[RequisitoAnswer("identificacion", True),
                    RequisitoAnswer("recibo_predial", False, "Lo trae mañana")]))
    window = make_window()
    view = open_capture(qtbot, window, runner, "agua no adeudo",
                        "Constancia de no adeudo del servicio de agua")
    type_into(qtbot, view, "curp", GOOD_CURP.lower())
    settle(qtbot, runner)
    assert view.banner.isVisible()
    assert ANSWERS["nombre"] in view.banner.text.text()
    qtbot.mouseClick(view.banner.fill_button, Qt.MouseButton.LeftButton)
    raw = view.form.raw_answers()
    assert raw["nombre"] == ANSWERS["nombre"]
    assert raw["telefono"] == ANSWERS["telefono"]
    assert raw["domicilio"] == ANSWERS["domicilio"]
    assert raw["clave_catastral"] == ""  # trámite data is not the applicant's
    assert not view.banner.isVisible()


def test_typing_accents_in_the_form(qtbot: QtBot, make_window: WindowFactory,
                                    runner: TaskRunner) -> None:
    _, view = start_predial(qtbot, make_window, runner)
    widget = view.form.editor("domicilio").focus_widget
    widget.setFocus()
    type_text(qtbot, widget, "Calle Ñandú 5")
    fill_answers(qtbot, view, {"cp": "83000"})
    assert view.form.raw_answers()["domicilio"] == "Calle Ñandú 5"


def test_closing_the_window_never_drops_a_capture_silently(
    qtbot: QtBot, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window, view = start_predial(qtbot, make_window, runner)
    type_into(qtbot, view, "nombre", ANSWERS["nombre"])
    assert not window.close()
    box = _discard_box(window)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Seguir capturando"),
                     Qt.MouseButton.LeftButton)
    assert window.isVisible() and view.form.raw_answers()["nombre"] == ANSWERS["nombre"]
    window.lock()
    assert not window.close()  # behind the lock nobody can even be asked: keep it
    window.unlock()
    window.close()
    box = _discard_box(window)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Descartar"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_a_requisito_not_received_needs_a_note_and_is_saved_as_pending(
    qtbot: QtBot, ctx: AppContext, make_window: WindowFactory, runner: TaskRunner,
) -> None:
    window, view = start_predial(qtbot, make_window, runner)
    fill_answers(qtbot, view, {**ANSWERS, "curp": GOOD_CURP})
    choose(view, "motivo", "otro")
    identificacion, recibo = view.setup.tramite.requisitos
    qtbot.mouseClick(view.findChild(QCheckBox, f"requisito_{identificacion.clave}"),
                     Qt.MouseButton.LeftButton)
    assert view.sidebar.status_text() == "Falta: 1 requisito sin marcar."
    qtbot.keyClick(view.form.editor("nombre").focus_widget, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, runner)
    assert window.capture.saved is None  # refused: neither received nor noted

    note = view.findChild(QLineEdit, f"nota_{recibo.clave}")
    assert note.isEnabled()
    note.setFocus()
    type_text(qtbot, note, "Lo trae mañana")
    assert view.sidebar.status_text() == READY
    qtbot.keyClick(note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.capture.saved is not None, timeout=10_000)
    with ctx.write() as session:
        expediente = session.scalars(select(Expediente)).one()
    assert expediente.requisitos == [
        {"clave": identificacion.clave, "recibido": True, "nota": ""},
        {"clave": recibo.clave, "recibido": False, "nota": "Lo trae mañana"}]


def test_cobros_follow_the_answers(qtbot: QtBot, make_window: WindowFactory,
                                  runner: TaskRunner) -> None:
    window = make_window()
    view = open_capture(qtbot, window, runner, "residuos voluminosos",
                        "Recolección de residuos voluminosos")
    cobros = view.sidebar.cobros
    assert cobros.total_text() == "$0.00"
    type_into(qtbot, view, "metros_cubicos", "2")
    assert cobros.total_text() == "$370.00"
    type_into(qtbot, view, "metros_cubicos", "3,5")
    assert cobros.total_text() == "$647.50"
    assert cobros.model.index(0, 0).data() == "Servicio especial de limpia (metro cúbico)"


def test_agregar_archivo_uses_the_file_dialog(
    qtbot: QtBot, runner: TaskRunner, sample_png: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def pick(_parent: object, caption: str, _folder: str, filter_: str) -> tuple[list[str], str]:
        asked.append(f"{caption} | {filter_}")  # a native dialog cannot be driven offscreen
        return [str(sample_png)], filter_

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    panel = AnexosPanel(10, runner)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.findChild(QPushButton, "addAnexo"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_inspecting(), timeout=10_000)
    assert asked == ["Agregar anexos | Documentos (*.pdf *.jpg *.jpeg *.png)"]
    assert [a.filename for a in panel.attachments()] == ["identificacion.png"]
