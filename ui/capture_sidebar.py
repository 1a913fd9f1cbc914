"""The capture screen's right column: cobros, what is still missing, and the save buttons.

Signals:
    save_requested(), draft_requested(), discard_requested(): the buttons were pressed.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.bundles.schema import TramiteDef
from ui.cobros_panel import CobrosPanel
from ui.layout_parts import card
from ui.theme import set_dynamic_property

SIDEBAR_WIDTH = 360
READY = "✓  Listo para guardar."


def _summary(items: list[str]) -> str:
    shown = ", ".join(items[:4])
    more = f" y {len(items) - 4} más" if len(items) > 4 else ""
    return f"Falta: {shown}{more}."


class CaptureSidebar(QWidget):
    save_requested = Signal()
    draft_requested = Signal()
    discard_requested = Signal()

    def __init__(self, tramite: TramiteDef, uma_diaria: Decimal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(SIDEBAR_WIDTH)
        self.cobros = CobrosPanel(tramite, uma_diaria)
        self.status = QLabel()
        self.status.setObjectName("missingLabel")
        self.status.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("saveNote")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.save_button = QPushButton("Guardar expediente   Ctrl+S")
        self.save_button.setObjectName("saveExpediente")
        self.save_button.setProperty("primary", True)
        self.save_button.setMinimumHeight(42)
        self.draft_button = QPushButton("Guardar borrador   Ctrl+B")
        self.draft_button.setObjectName("saveDraft")
        self.discard_button = QPushButton("Descartar   Esc")
        self.discard_button.setObjectName("discardCapture")
        self.discard_button.setProperty("flat", True)
        self.save_button.clicked.connect(self.save_requested)
        self.draft_button.clicked.connect(self.draft_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(card("Cobros", self.cobros))
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.note)
        layout.addWidget(self.save_button)
        layout.addWidget(self.draft_button)
        layout.addWidget(self.discard_button)

    def show_missing(self, items: list[str]) -> None:
        ready = not items
        self.status.setText(READY if ready else _summary(items))
        self.status.setObjectName("readyLabel" if ready else "missingLabel")
        set_dynamic_property(self.status, "ready", ready)

    def show_refused(self, items: list[str]) -> None:
        self.show_missing(items)
        self.note.setText("No se guardó: corrija los datos marcados en rojo.")

    def show_note(self, text: str) -> None:
        self.note.setText(text)

    def set_busy(self, busy: bool, note: str = "") -> None:
        for button in (self.save_button, self.draft_button, self.discard_button):
            button.setEnabled(not busy)
        if busy or note:
            self.note.setText(note)

    def status_text(self) -> str:
        return self.status.text()
