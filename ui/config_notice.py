"""The notice every user of the window sees when sync applied a new configuration in the
background: "Configuración versión 3 aplicada: 1 trámite nuevo, 2 cambiados". Administrators
can open its full impact report from it (the history keeps it); "Entendido" hides it.

Signals:
    report_requested(int): the administrator asked for the report of this version.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class ConfigNotice(QFrame):
    report_requested = Signal(int)

    def __init__(self, can_open_report: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configNotice")
        self.version = 0
        self.text = QLabel()
        self.text.setObjectName("configNoticeText")
        self.text.setWordWrap(True)
        self.open_report = QPushButton("Ver impacto…")
        self.open_report.setObjectName("configNoticeReport")
        self.open_report.setVisible(can_open_report)
        self.open_report.clicked.connect(lambda: self.report_requested.emit(self.version))
        dismiss = QPushButton("Entendido")
        dismiss.setObjectName("configNoticeDismiss")
        dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_report)
        layout.addWidget(dismiss)
        self.hide()

    def show_notice(self, notice: tuple[int, str] | None) -> None:
        if notice is None:
            return
        self.version, text = notice
        self.text.setText(text)
        self.show()
