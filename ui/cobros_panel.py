"""Fee lines and total, recomputed as the answers change (compute_cobros is pure and cheap, so
it runs on the GUI thread; it never touches the database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.bundles.schema import TramiteDef
from desktop.capture.fees import CobroLine, compute_cobros, total
from desktop.errors import VentanillaError
from formatting import format_money
from ui.layout_parts import style_table

_HEADERS = ("Concepto", "CRI", "Importe")
MIN_ROWS_HEIGHT = 36
CELL_PADDING_X = 2 * 8 + 6  # theme.qss QTableView::item padding, plus the text margins
CELL_PADDING_Y = 2 * 6 + 4
MAX_TABLE_HEIGHT = 260
AnyIndex = QModelIndex | QPersistentModelIndex


class CobrosModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[CobroLine] = []

    def set_lines(self, lines: list[CobroLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[CobroLine]:
        return list(self._lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        line = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.concepto, line.cri, format_money(line.importe))[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(_HEADERS)):
            return _HEADERS[section]
        return None


class CobrosPanel(QWidget):
    def __init__(self, tramite: TramiteDef, uma_diaria: Decimal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tramite = tramite
        self._uma = uma_diaria
        self.model = CobrosModel(self)
        self.table = QTableView()
        self.table.setObjectName("cobrosTable")
        self.table.setModel(self.model)
        style_table(self.table, selectable=False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # Long conceptos wrap: rows are re-measured whenever the concepto column changes width.
        header.sectionResized.connect(lambda index, _old, _new: self._fit_rows(index))
        self.total_label = QLabel(format_money(Decimal(0)))
        self.total_label.setObjectName("totalLabel")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        caption = QLabel("Total a pagar")
        caption.setProperty("role", "muted")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addWidget(caption)
        layout.addWidget(self.total_label)

    def update_answers(self, cleaned: dict[str, Any]) -> None:
        try:
            lines = compute_cobros(self._tramite, cleaned, self._uma)
        except VentanillaError as exc:
            self.note.setText(exc.message)
            return
        self.note.setText("" if self._tramite.cobros else "Este trámite no tiene costo.")
        self.model.set_lines(lines)
        self.total_label.setText(format_money(total(lines)))
        self._fit_rows()

    def _fit_rows(self, column: int = 0) -> None:
        """Every concepto shown whole, and the table as tall as its rows (up to a limit)."""
        if column != 0:
            return
        # Measured here: the delegate's own size hint ignores the stylesheet's cell padding and
        # would leave the last line of a long concepto elided.
        metrics = self.table.fontMetrics()
        width = max(self.table.columnWidth(0) - CELL_PADDING_X, 40)
        for row, line in enumerate(self.model.lines()):
            text = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                        int(Qt.TextFlag.TextWordWrap), line.concepto)
            self.table.setRowHeight(row, text.height() + CELL_PADDING_Y)
        rows = sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        height = self.table.horizontalHeader().height() + max(rows, MIN_ROWS_HEIGHT)
        self.table.setFixedHeight(min(height + 2 * self.table.frameWidth(), MAX_TABLE_HEIGHT))

    def total_text(self) -> str:
        return self.total_label.text()
