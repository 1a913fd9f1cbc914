"""Every trámite of the demo catálogo captured with the keyboard alone, as a counter official
does it: find it by typing, Enter, type each campo and Tab to the next, Space on the
requisitos, Ctrl+S, and read the folio off the screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.bundles.schema import Bundle, Campo, TramiteDef
from desktop.bundles.signing import parse_envelope
from desktop.context import AppContext
from localdb.models import Expediente
from ui.capture_view import CaptureView
from ui.field_widgets import make_editor
from ui.main_window import MainWindow
from ui.saved_view import SavedView
from ui.tasks import TaskRunner

from ..factories import clave_for, make_curp, make_rfc, write_png
from .conftest import WindowFactory, settle
from .driving import type_text

DEMO_BUNDLE = Path(__file__).resolve().parents[2] / "desktop/demo/demo_bundle.json"
BUNDLE = Bundle.model_validate_json(parse_envelope(DEMO_BUNDLE.read_bytes())[0])
TRAMITES = {t.homoclave: t for t in BUNDLE.tramites}
CURP = make_curp()
# Dates go in as the official types them: eight digits, or with the slashes.
TYPED_DATES = ["01122026", "15/03/2026"]
DATE_VALUES = ["2026-12-01", "2026-03-15"]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
          ) -> None:
    widget = focused()
    assert widget is not None, "nothing has the keyboard"
    qtbot.keyClick(widget, key, modifier)


def typed(campo: Campo, dates: list[str]) -> str:
    """The keys typed for a text-like campo (and what the form should keep)."""
    if campo.tipo == "fecha":
        return dates.pop(0)
    if campo.tipo == "numero":
        return str(max(campo.minimo or 1, 1))
    text = {"curp": CURP, "rfc": make_rfc(), "cp": "83000", "telefono": "6621234567",
            "email": "jose.pena@example.mx",
            "clave_catastral": clave_for(BUNDLE.clave_catastral_patron)}.get(campo.tipo)
    if text is not None:
        return text
    text = "José Peña Núñez" if campo.dato_solicitante == "nombre" else "Calle Rosales 123"
    return text[: campo.max_longitud or len(text)]


class FilePicker:
    """Stands in for Qt's own file dialog (offscreen it cannot be driven by keys): records that
    Space on "Elegir…" opened it, and answers with the scan."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, scan: Path) -> None:
        self.opened: list[str] = []
        self.scan = scan
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self.choose)

    def choose(self, _parent: QWidget, title: str, *_args: object) -> tuple[str, str]:
        self.opened.append(title)
        return str(self.scan), ""


def fill_campo(qtbot: QtBot, campo: Campo, dates: list[str], picker: FilePicker) -> Any:
    """Answer the focused campo with keys; returns the answer the form should hold."""
    if campo.tipo == "seleccion":
        press(qtbot, Qt.Key.Key_Down)  # from "— Seleccione —" to the first option
        return campo.opciones[0].valor
    if campo.tipo == "booleano":
        press(qtbot, Qt.Key.Key_Space)
        return True
    if campo.tipo == "archivo":
        press(qtbot, Qt.Key.Key_Space)
        assert picker.opened[-1] == campo.etiqueta
        return str(picker.scan)
    text = typed(campo, dates)
    widget = focused()
    assert widget is not None
    type_text(qtbot, widget, text)
    return text


def open_by_keyboard(qtbot: QtBot, window: MainWindow, runner: TaskRunner,
                     tramite: TramiteDef) -> CaptureView:
    box = window.catalog.search_box
    box.setFocus()
    type_text(qtbot, box, tramite.homoclave)
    settle(qtbot, runner, window.catalog.search_pending)
    assert window.catalog.visible_tramites()[0] == tramite.nombre
    assert window.catalog.results.currentItem().text(0) == tramite.nombre  # highlighted
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.capture.capture is not None, timeout=10_000)
    settle(qtbot, runner)
    view = window.capture.capture
    assert view is not None and view.setup.tramite.homoclave == tramite.homoclave
    return view


@pytest.mark.parametrize("homoclave", sorted(TRAMITES))
def test_every_demo_tramite_captures_with_the_keyboard_alone(
    homoclave: str, qtbot: QtBot, ctx: AppContext, make_window: WindowFactory,
    runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tramite = TRAMITES[homoclave]
    picker = FilePicker(monkeypatch, write_png(tmp_path / "escaneo.png"))
    window = make_window()
    view = open_by_keyboard(qtbot, window, runner, tramite)
    dates, expected = list(TYPED_DATES), {}
    for campo in tramite.campos:
        assert focused() is view.form.editor(campo.clave).focus_widget, campo.clave
        expected[campo.clave] = fill_campo(qtbot, campo, dates, picker)
        press(qtbot, Qt.Key.Key_Tab)
        assert view.form.error_text(campo.clave) == "", campo.clave
    for requisito in tramite.requisitos:
        assert focused() is view.findChild(QWidget, f"requisito_{requisito.clave}")
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_Tab)
    assert view.sidebar.status_text() == "✓  Listo para guardar."

    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.capture.saved, SavedView), timeout=10_000)
    folio = window.capture.saved.findChild(QWidget, "folioLabel").text()
    assert folio.startswith("HMO-V01-")
    settle(qtbot, runner)
    with ctx.read() as session:
        saved = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        answers, requisitos = saved.answers, saved.requisitos
    assert saved.tramite_homoclave == homoclave
    typed_dates = iter(DATE_VALUES)
    for campo in tramite.campos:
        if campo.tipo == "fecha":
            assert answers[campo.clave] == next(typed_dates)
        elif campo.tipo not in ("archivo", "numero"):
            assert answers[campo.clave] == expected[campo.clave], campo.clave
    assert all(r["recibido"] for r in requisitos), json.dumps(requisitos)


@pytest.mark.parametrize(("keys", "shown", "value"), [
    ("01022026", "01/02/2026", "2026-02-01"),
    ("1/2/2026", "01/02/2026", "2026-02-01"),
    ("", "", ""),
    ("31022026", "31022026", "31022026"),
])
def test_a_typed_date_is_tidied_on_leaving_and_tab_always_moves_on(
    qtbot: QtBot, keys: str, shown: str, value: str,
) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    fecha = make_editor(Campo(clave="f", etiqueta="Fecha", tipo="fecha", requerido=False))
    after = QLineEdit()
    fecha.widget.setParent(form)
    after.setParent(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    fecha.focus_widget.setFocus()
    qtbot.keyClicks(fecha.focus_widget, keys + "x-")  # letters and dashes are refused
    qtbot.keyClick(fecha.focus_widget, Qt.Key.Key_Tab)
    assert focused() is after
    assert fecha.focus_widget.text() == shown  # type: ignore[attr-defined]
    assert fecha.value() == value
