"""Checklist of the trámite's requisitos: each one received, or pending with a note.

Signals:
    requisitos_changed(): a box was ticked or a note edited.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

from desktop.bundles.schema import Requisito
from desktop.capture.service import RequisitoAnswer

NOTE_HINT = "Pendiente: anote qué falta"


class _RequisitoRow:
    def __init__(self, requisito: Requisito) -> None:
        self.requisito = requisito
        suffix = " *" if requisito.obligatorio else "  (opcional)"
        self.label = QLabel(requisito.descripcion + suffix)
        self.label.setWordWrap(True)
        self.check = QCheckBox("Recibido")
        self.check.setObjectName(f"requisito_{requisito.clave}")
        self.check.setAccessibleName(requisito.descripcion)
        self.label.setBuddy(self.check)
        self.note = QLineEdit()
        self.note.setObjectName(f"nota_{requisito.clave}")
        self.note.setPlaceholderText(NOTE_HINT)
        self.note.setToolTip("Si no lo trae, anote qué falta; el requisito queda pendiente.")
        self.check.toggled.connect(lambda on: self.note.setEnabled(not on))

    def answer(self) -> RequisitoAnswer:
        received = self.check.isChecked()
        return RequisitoAnswer(self.requisito.clave, received,
                               "" if received else self.note.text().strip())

    def is_settled(self) -> bool:
        answer = self.answer()
        return not self.requisito.obligatorio or answer.recibido or bool(answer.nota)


class RequisitosPanel(QWidget):
    requisitos_changed = Signal()

    def __init__(self, requisitos: list[Requisito], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = [_RequisitoRow(r) for r in requisitos]
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        if not self._rows:
            grid.addWidget(QLabel("Este trámite no pide requisitos."), 0, 0)
        for i, row in enumerate(self._rows):
            grid.addWidget(row.label, i, 0)
            grid.addWidget(row.check, i, 1)
            grid.addWidget(row.note, i, 2)
            row.check.toggled.connect(self.requisitos_changed)
            row.note.textChanged.connect(self.requisitos_changed)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(2, 4)

    def answers(self) -> list[RequisitoAnswer]:
        return [row.answer() for row in self._rows]

    def set_answers(self, answers: list[RequisitoAnswer]) -> None:
        given = {a.clave: a for a in answers}
        for row in self._rows:
            answer = given.get(row.requisito.clave)
            if answer:
                row.check.setChecked(answer.recibido)
                row.note.setText(answer.nota)

    def unsettled(self) -> list[str]:
        """Descriptions of obligatorio requisitos neither received nor noted as pending."""
        return [row.requisito.descripcion for row in self._rows if not row.is_settled()]

    def check_all(self) -> None:
        for row in self._rows:
            row.check.setChecked(True)
