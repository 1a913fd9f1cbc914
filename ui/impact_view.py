"""The impact report of a configuration bundle on screen (ARCHITECTURE §8): its one-line summary
over the full Spanish text (`catalogo.impact_text`, the same words as `config-diff`), and
a read-only dialog to open a report kept in the history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from catalogo.impact import ImpactReport
from catalogo.impact_text import report_text, summary_line


class ImpactView(QWidget):
    def __init__(self, report: ImpactReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(summary_line(report))
        self.summary.setObjectName("impactSummary")
        self.summary.setWordWrap(True)
        # The summary is the text's first line: shown once, above it.
        self.text = QPlainTextEdit(report_text(report).split("\n", 1)[1])
        self.text.setObjectName("impactText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)


class ImpactDialog(QDialog):
    """A report kept with an applied bundle: read-only, Cerrar."""

    def __init__(self, report: ImpactReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("impactDialog")
        self.setWindowTitle(f"Impacto de la configuración versión {report.version_after}")
        self.view = ImpactView(report)
        close = QPushButton("Cerrar")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(760, 560)
