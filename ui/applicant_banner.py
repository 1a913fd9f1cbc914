"""Offer to fill the applicant's data when the store already knows the CURP typed.

Signals:
    fill_requested(): the operador accepted ("Usar sus datos").
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.records.expedientes import ApplicantInfo


class ApplicantBanner(QFrame):
    fill_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("applicantBanner")
        self.info: ApplicantInfo | None = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.fill_button = QPushButton("Usar sus datos")
        self.fill_button.setObjectName("fillApplicant")
        self.fill_button.setProperty("primary", True)
        self.fill_button.clicked.connect(self._accept)
        close = QPushButton("No, gracias")
        close.setProperty("flat", True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        layout.addWidget(self.fill_button)
        self.hide()

    def offer(self, info: ApplicantInfo) -> None:
        self.info = info
        self.text.setText(
            f"<b>Esta CURP ya tiene trámites en la oficina:</b> {info.nombre}. "
            "¿Llenar sus datos de contacto con los del último trámite?")
        self.show()

    def _accept(self) -> None:
        self.hide()
        self.fill_requested.emit()
