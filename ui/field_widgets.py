"""One input widget per campo tipo, behind a small adapter with one way to read and write it.

Signals (FieldEditor):
    changed(): the value changed (typing, picking, ticking).
    focus_left(): the input lost keyboard focus (time to show its error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.bundles.schema import Campo

DATE_DISPLAY = "dd/MM/yyyy"
# What a date campo accepts while typing: digits and the two slashes of dd/mm/aaaa.
_DATE_TYPING = r"[0-9]{0,8}|[0-9]{1,2}/[0-9]{0,2}(/[0-9]{0,4})?"

# Characters each tipo accepts while typing; the full rule is checked by desktop.capture.validation.
_TYPING_PATTERNS: dict[str, tuple[str, int, str]] = {
    # tipo: (regex, max length, placeholder)
    "curp": (r"[A-Za-z0-9]{0,18}", 18, "18 caracteres, p. ej. GODE561231HDFRRN09"),
    "rfc": (r"[A-Za-zÑñ&0-9]{0,13}", 13, "12 o 13 caracteres"),
    "cp": (r"[0-9]{0,5}", 5, "5 dígitos"),
    "telefono": (r"[0-9]{0,10}", 10, "10 dígitos"),
    "numero": (r"-?[0-9]{0,12}([.,][0-9]{0,4})?", 18, "0"),
    "clave_catastral": (r"[A-Za-z0-9-]{0,40}", 40, "Clave catastral"),
}
_UPPERCASE = {"curp", "rfc", "clave_catastral"}


class UpperCaseValidator(QRegularExpressionValidator):
    """Accepts what the pattern allows and turns letters to capitals as they are typed."""

    def validate(self, text: str, pos: int) -> object:
        upper = text.upper()
        state = super().validate(upper, pos)
        verdict = state[0] if isinstance(state, tuple) else state
        return (verdict, upper, pos)


class FieldEditor(QObject):
    changed = Signal()
    focus_left = Signal()

    def __init__(self, campo: Campo, widget: QWidget, focus_widget: QWidget | None = None) -> None:
        super().__init__(widget)
        self.campo = campo
        self.widget = widget
        self.focus_widget = focus_widget or widget
        self.focus_widget.installEventFilter(self)
        self.widget.setObjectName(f"campo_{campo.clave}")
        self.focus_widget.setAccessibleName(campo.etiqueta)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.focus_left.emit()
        return False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, raw: Any) -> None:
        raise NotImplementedError


class LineEditor(FieldEditor):
    def __init__(self, campo: Campo) -> None:
        edit = QLineEdit()
        super().__init__(campo, edit)
        self.edit = edit
        pattern = _TYPING_PATTERNS.get(campo.tipo)
        if pattern:
            regex, max_length, placeholder = pattern
            cls = UpperCaseValidator if campo.tipo in _UPPERCASE else QRegularExpressionValidator
            edit.setValidator(cls(QRegularExpression(regex), edit))
            edit.setMaxLength(max_length)
            edit.setPlaceholderText(placeholder)
        if campo.max_longitud:
            edit.setMaxLength(campo.max_longitud)
        if campo.tipo == "email":
            edit.setPlaceholderText("nombre@dominio.mx")
        if campo.tipo == "numero":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.textChanged.connect(self.changed)

    def value(self) -> Any:
        text = self.edit.text().strip()
        return text.replace(",", ".") if self.campo.tipo == "numero" else text

    def set_value(self, raw: Any) -> None:
        self.edit.setText("" if raw is None else str(raw))


class DateEditor(FieldEditor):
    """A date typed as dd/mm/aaaa or as eight digits (ddmmaaaa): empty until typed, so an
    optional date stays empty and Tab always moves on. Leaving it shows the date as dd/mm/aaaa;
    the value is ISO ("YYYY-MM-DD"), or the text as typed when it is no date (validation then
    says why)."""

    def __init__(self, campo: Campo) -> None:
        edit = QLineEdit()
        super().__init__(campo, edit)
        self.edit = edit
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(_DATE_TYPING), edit))
        edit.setMaxLength(10)
        edit.setPlaceholderText("dd/mm/aaaa")
        edit.textChanged.connect(self.changed)
        edit.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        date = parse_typed_date(self.edit.text())
        if date.isValid():
            shown = date.toString(DATE_DISPLAY)
            if shown != self.edit.text():
                self.edit.setText(shown)

    def value(self) -> Any:
        text = self.edit.text().strip()
        date = parse_typed_date(text)
        return date.toString(Qt.DateFormat.ISODate) if date.isValid() else text

    def set_value(self, raw: Any) -> None:
        date = QDate.fromString(str(raw or ""), Qt.DateFormat.ISODate)
        self.edit.setText(date.toString(DATE_DISPLAY) if date.isValid() else str(raw or ""))


def parse_typed_date(text: str) -> QDate:
    """dd/mm/aaaa (one-digit day or month allowed) or ddmmaaaa; an invalid QDate otherwise."""
    text = text.strip()
    if text.isdigit() and len(text) == 8:
        return QDate.fromString(text, "ddMMyyyy")
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        return QDate(int(parts[2]), int(parts[1]), int(parts[0]))
    return QDate()


class ChoiceEditor(FieldEditor):
    def __init__(self, campo: Campo) -> None:
        combo = QComboBox()
        super().__init__(campo, combo)
        self.combo = combo
        combo.addItem("— Seleccione —", "")
        for opcion in campo.opciones:
            combo.addItem(opcion.etiqueta, opcion.valor)
        combo.currentIndexChanged.connect(self.changed)

    def value(self) -> Any:
        return self.combo.currentData() or ""

    def set_value(self, raw: Any) -> None:
        index = self.combo.findData(raw if raw is not None else "")
        self.combo.setCurrentIndex(max(index, 0))


class CheckEditor(FieldEditor):
    def __init__(self, campo: Campo) -> None:
        box = QCheckBox("Sí")
        super().__init__(campo, box)
        self.box = box
        box.toggled.connect(self.changed)

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, raw: Any) -> None:
        self.box.setChecked(raw is True or str(raw).lower() in {"true", "1", "si", "sí"})


class FileEditor(FieldEditor):
    """An archivo campo: the chosen file travels as an attachment tied to this campo."""

    def __init__(self, campo: Campo) -> None:
        container = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to "Elegir…"
        self.path_edit.setPlaceholderText("Ningún archivo elegido")
        button = QPushButton("Elegir…")
        layout = QHBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.path_edit, 1)
        layout.addWidget(button)
        super().__init__(campo, container, focus_widget=button)
        self.path: Path | None = None
        self.filename = ""
        button.clicked.connect(self._choose)

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.widget, self.campo.etiqueta, "", "Documentos (*.pdf *.jpg *.jpeg *.png)")
        if name:
            self.set_value(name)

    def value(self) -> Any:
        return str(self.path) if self.path else ""

    def set_value(self, raw: Any) -> None:
        path = Path(raw) if raw else None
        self.set_file(path, path.name if path else "")

    def set_file(self, path: Path | None, filename: str) -> None:
        self.path, self.filename = path, filename
        self.path_edit.setText(filename)
        self.changed.emit()


def make_editor(campo: Campo) -> FieldEditor:
    """The right widget for the campo's tipo."""
    if campo.tipo == "fecha":
        return DateEditor(campo)
    if campo.tipo == "seleccion":
        return ChoiceEditor(campo)
    if campo.tipo == "booleano":
        return CheckEditor(campo)
    if campo.tipo == "archivo":
        return FileEditor(campo)
    return LineEditor(campo)

