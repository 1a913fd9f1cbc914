"""The capture form built from a trámite's campos: labels with (*), one editor per campo, and
each campo's Spanish error shown when the operador leaves it invalid.

Signals:
    answers_changed(): any answer changed.
    curp_entered(str): a valid CURP was left in the applicant's CURP campo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop.bundles.schema import Campo, TramiteDef
from ui.field_widgets import FieldEditor, FileEditor, make_editor
from ui.theme import set_dynamic_property

FieldValidator = Callable[[Campo, Any], Any]  # returns desktop.capture.validation.FieldCheck
COLUMNS = 2
_WIDE_TIPOS = {"texto", "email", "archivo"}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value is False


class _FieldCell(QWidget):
    """Label, editor and message line of one campo."""

    def __init__(self, editor: FieldEditor) -> None:
        super().__init__()
        campo = editor.campo
        self.editor = editor
        self.label = QLabel(campo.etiqueta + (" *" if campo.requerido else ""))
        self.label.setObjectName("fieldLabel")
        self.label.setBuddy(editor.focus_widget)
        self.message = QLabel()
        self.message.setObjectName(f"error_{campo.clave}")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(editor.widget)
        layout.addWidget(self.message)
        if campo.ayuda:
            editor.focus_widget.setToolTip(campo.ayuda)

    def show_message(self, error: str | None, warning: str | None = None) -> None:
        text = error or warning or ""
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "warning")
        set_dynamic_property(self.message, "role", "error" if error else "warning")
        self.message.setVisible(bool(text))
        set_dynamic_property(self.editor.focus_widget, "invalid", bool(error))


class FormView(QWidget):
    answers_changed = Signal()
    curp_entered = Signal(str)

    def __init__(self, tramite: TramiteDef, validate: FieldValidator,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tramite = tramite
        self._validate = validate
        self._cells: dict[str, _FieldCell] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(14)
        self._place_cells(grid)

    def _place_cells(self, grid: QGridLayout) -> None:
        row, col = 0, 0
        for campo in self.tramite.campos:
            cell = _FieldCell(make_editor(campo))
            self._cells[campo.clave] = cell
            self._wire(cell)
            if campo.tipo in _WIDE_TIPOS:
                row, col = (row + 1, 0) if col else (row, 0)
                grid.addWidget(cell, row, 0, 1, COLUMNS, Qt.AlignmentFlag.AlignTop)
                row += 1
                continue
            grid.addWidget(cell, row, col, Qt.AlignmentFlag.AlignTop)
            row, col = (row + 1, 0) if col + 1 >= COLUMNS else (row, col + 1)
        for c in range(COLUMNS):
            grid.setColumnStretch(c, 1)
        grid.setRowStretch(row + 1, 1)

    def _wire(self, cell: _FieldCell) -> None:
        editor = cell.editor
        editor.changed.connect(self.answers_changed)
        editor.changed.connect(lambda c=cell: self._recheck_if_shown(c))
        editor.focus_left.connect(lambda c=cell: self._check_on_leave(c))
        editor.focus_widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter moves to the next campo, like Tab (counter staff type without the mouse)."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        combo_open = isinstance(watched, QComboBox) and watched.view().isVisible()
        if enter and not combo_open and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.focusNextChild()
            return True
        return False

    # -- values ---------------------------------------------------------------------------

    def focus_first(self) -> None:
        if self.tramite.campos:
            self._cells[self.tramite.campos[0].clave].editor.focus_widget.setFocus()

    def editor(self, clave: str) -> FieldEditor:
        return self._cells[clave].editor

    def raw_answers(self) -> dict[str, Any]:
        """What was typed, campo by campo (archivo campos travel as attachments instead)."""
        return {clave: cell.editor.value() for clave, cell in self._cells.items()
                if cell.editor.campo.tipo != "archivo"}

    def file_editors(self) -> dict[str, FileEditor]:
        """The archivo campos' pickers, by clave."""
        return {clave: cell.editor for clave, cell in self._cells.items()
                if isinstance(cell.editor, FileEditor)}

    def set_answers(self, answers: dict[str, Any]) -> None:
        for clave, value in answers.items():
            if clave in self._cells:
                self._cells[clave].editor.set_value(value)

    def cleaned_answers(self) -> dict[str, Any]:
        """Valid answers as their cleaned values (for fee previews); invalid ones left out."""
        cleaned: dict[str, Any] = {}
        for clave, value in self.raw_answers().items():
            check = self._check(self._cells[clave].editor.campo, value)
            if check.error is None and check.value is not None:
                cleaned[clave] = check.value
        return cleaned

    def fill_applicant(self, data: dict[str, Any]) -> list[str]:
        """Fill the applicant's campos that are still empty; returns the claves filled."""
        filled = []
        for clave, cell in self._cells.items():
            value = data.get(clave)
            if value not in (None, "") and _is_empty(cell.editor.value()):
                cell.editor.set_value(value)
                filled.append(clave)
        return filled

    def applicant_clave(self, dato: str) -> str | None:
        return next((c.clave for c in self.tramite.campos if c.dato_solicitante == dato), None)

    # -- checks ---------------------------------------------------------------------------

    def _check(self, campo: Campo, value: Any) -> Any:
        if campo.tipo == "archivo":
            return _FileCheck(value or None,
                              "Adjunte el archivo." if campo.requerido and not value else None)
        return self._validate(campo, value)

    def _check_on_leave(self, cell: _FieldCell) -> None:
        check = self._check(cell.editor.campo, cell.editor.value())
        cell.show_message(check.error, check.warning)
        campo = cell.editor.campo
        if check.error is None and check.value and campo.dato_solicitante == "curp":
            self.curp_entered.emit(str(check.value))

    def _recheck_if_shown(self, cell: _FieldCell) -> None:
        """Once an error shows, it clears as soon as the answer becomes valid."""
        if not cell.message.isHidden():
            check = self._check(cell.editor.campo, cell.editor.value())
            if check.error is None:
                cell.show_message(None, check.warning)

    def errors(self) -> dict[str, str]:
        """clave -> Spanish error, for every campo whose answer is not acceptable now."""
        found = {}
        for clave, cell in self._cells.items():
            check = self._check(cell.editor.campo, cell.editor.value())
            if check.error:
                found[clave] = check.error
        return found

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show these errors (e.g. the service's) and put the cursor on the first one."""
        for clave, cell in self._cells.items():
            cell.show_message(errors.get(clave))
        first = next((c for c in self.tramite.campos if c.clave in errors), None)
        if first:
            self._cells[first.clave].editor.focus_widget.setFocus()

    def error_text(self, clave: str) -> str:
        cell = self._cells[clave]
        return "" if cell.message.isHidden() else cell.message.text()

    def etiqueta(self, clave: str) -> str:
        return self._cells[clave].editor.campo.etiqueta


class _FileCheck:
    def __init__(self, value: Any, error: str | None) -> None:
        self.value, self.error, self.warning = value, error, None
