"""The review queue's controls: the state strip ("Por revisar 12 · Devueltos 3 · …", each a
button that filters by its state; the strip is one Tab stop, the arrows move between its
states, Space chooses) and the filters by estado, ventanilla, operador, dependencia and capture
date (dd/mm/aaaa typed with the keyboard). Tab reaches every one of them.

Keys: Alt+E state, Alt+N ventanilla, Alt+O operador, Alt+P dependencia, Alt+D desde, Alt+H hasta.

Signals:
    StateStrip.group_chosen(object): a state group key (None: every state).
    QueueFilters.changed(): a filter changed (read them with `QueueFilters.current`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.records.review_queue import QueueChoices, QueueFilter
from desktop.states import REVIEW_GROUP_LABELS
from formatting import parse_date

ALL_STATES = "Todos"
DATE_HINT = "dd/mm/aaaa"


class StateStrip(QWidget):
    group_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str | None, QPushButton] = {}
        self._group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for n, (key, label) in enumerate(((None, ALL_STATES), *REVIEW_GROUP_LABELS.items())):
            if n:
                layout.addWidget(QLabel("·"))
            button = QPushButton(label)
            button.setObjectName("stateChip")
            button.setCheckable(True)
            button.setProperty("flat", True)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=key: self.group_chosen.emit(k))
            self._group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.buttons[None].setChecked(True)

    def set_current(self, key: str | None) -> None:
        self.buttons[key].setChecked(True)

    def show_counts(self, counts: dict[str, int]) -> None:
        total = sum(counts.values())
        self.buttons[None].setText(f"{ALL_STATES} {total}")
        for key, label in REVIEW_GROUP_LABELS.items():
            self.buttons[key].setText(f"{label} {counts.get(key, 0)}")

    def text(self) -> str:
        """The strip as it reads: "Todos 50 · Por revisar 12 · Devueltos 3 · …"."""
        return " · ".join(button.text() for button in self.buttons.values())


def _combo(name: str, everything: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(everything, "")
    return combo


def _date_box(name: str) -> QLineEdit:
    box = QLineEdit()
    box.setObjectName(name)
    box.setPlaceholderText(DATE_HINT)
    box.setMaxLength(10)
    box.setFixedWidth(110)
    return box


class QueueFilters(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_box = _combo("queueState", "Todos los estados")
        for key, label in REVIEW_GROUP_LABELS.items():
            self.state_box.addItem(label, key)
        self.ventanilla_box = _combo("queueVentanilla", "Todas")
        self.operador_box = _combo("queueOperador", "Todos")
        self.dependencia_box = _combo("queueDependencia", "Todas")
        self.desde_box, self.hasta_box = _date_box("queueDesde"), _date_box("queueHasta")
        self.error = ""  # what is wrong with a typed date ("" when both read)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for caption, box in (("&Estado", self.state_box), ("Ve&ntanilla", self.ventanilla_box),
                             ("&Operador", self.operador_box),
                             ("De&pendencia", self.dependencia_box),
                             ("&Desde", self.desde_box), ("&Hasta", self.hasta_box)):
            buddy = QLabel(caption)
            buddy.setBuddy(box)
            layout.addWidget(buddy)
            layout.addWidget(box, 1 if box is self.dependencia_box else 0)
            if isinstance(box, QComboBox):
                box.activated.connect(lambda _i: self.changed.emit())
            else:
                box.editingFinished.connect(self._date_edited)
        self._dates: tuple[date | None, date | None] = (None, None)

    def set_choices(self, choices: QueueChoices) -> None:
        """Offer what the store holds, keeping what is chosen."""
        for box, values in ((self.ventanilla_box, [(v, v) for v in choices.ventanillas]),
                            (self.operador_box, [(o, o) for o in choices.operadores]),
                            (self.dependencia_box, [(n, c) for c, n in choices.dependencias])):
            chosen = box.currentData()
            while box.count() > 1:
                box.removeItem(1)
            for label, value in values:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(chosen)))

    def set_group(self, key: str | None) -> None:
        self.state_box.setCurrentIndex(max(0, self.state_box.findData(key or "")))

    def group(self) -> str | None:
        return str(self.state_box.currentData()) or None

    def current(self, base: QueueFilter) -> QueueFilter:
        def value(box: QComboBox) -> str | None:
            return str(box.currentData()) or None

        desde, hasta = self._dates
        return replace(base, group=self.group(), ventanilla=value(self.ventanilla_box),
                       operador=value(self.operador_box),
                       dependencia=value(self.dependencia_box), desde=desde, hasta=hasta)

    def _date_edited(self) -> None:
        try:
            dates = tuple(parse_date(box.text()) if box.text().strip() else None
                          for box in (self.desde_box, self.hasta_box))
        except ValueError as exc:
            self.error = str(exc)
            self.changed.emit()  # the view says what is wrong; the rows stay as they were
            return
        self.error = ""
        if dates != self._dates:
            self._dates = (dates[0], dates[1])
        self.changed.emit()
