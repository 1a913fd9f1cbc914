"""Consulta de expedientes: full-text search (folio, nombre, CURP, RFC) over a paged table,
narrowed to a status or a sync queue (pendientes de envío, rechazados…) for the supervisor.
A línea de captura typed or scanned (barcode reader) into the search box finds its folio; one
whose check digits fail is explained under the box (no dialog: it may be half typed).

Signals:
    expediente_opened(object): an ExpedienteRow the operador opened (to see or reprint).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.records.referencia import looks_like_referencia, referencia_problem
from ui.error_dialog import show_exception
from ui.expedientes_filters import ExpedienteFilters
from ui.expedientes_model import ExpedientesModel
from ui.layout_parts import page_header, style_table
from ui.operations import expedientes_page
from ui.tasks import TaskRunner

SEARCH_DELAY_MS = 250


class ExpedientesView(QWidget):
    expediente_opened = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None, *,
                 demo: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.model = ExpedientesModel(
            lambda *args: expedientes_page(ctx, *args), runner, parent=self, demo=demo)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(
            "Buscar por folio, nombre, CURP, RFC o referencia de pago…")
        self.search_note = QLabel()
        self.search_note.setObjectName("searchNote")
        self.search_note.setProperty("role", "error")
        self.search_note.setWordWrap(True)
        self.search_note.hide()
        self.search_box.setClearButtonEnabled(True)
        self.filters = ExpedienteFilters()
        self.filters.filters_changed.connect(self.model.set_filters)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.table = QTableView()
        self.table.setObjectName("expedientesTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        style_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(
            lambda index: self.expediente_opened.emit(self.model.row_at(index.row())))
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.model.set_search(self.search_box.text()))
        self.search_box.textChanged.connect(lambda _t: self._timer.start())
        self.search_box.textChanged.connect(self._check_referencia)
        self.search_box.returnPressed.connect(self.table.setFocus)
        self.model.total_changed.connect(self._show_count)
        self.model.load_failed.connect(lambda exc: show_exception(self.window(), exc))
        # ResizeToContents does not re-measure rows that arrive later by itself.
        self.model.rowsInserted.connect(lambda *_a: header.resizeSections())
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.filters)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(16)
        layout.addLayout(page_header("Expedientes",
                                     "Capturados en esta ventanilla y recibidos de la oficina."))
        layout.addLayout(top)
        layout.addWidget(self.search_note)
        layout.addWidget(self.table, 1)

    def _check_referencia(self, text: str) -> None:
        problem = referencia_problem(text) if looks_like_referencia(text) else None
        self.search_note.setText(problem or "")
        self.search_note.setVisible(problem is not None)

    def refresh(self) -> None:
        self.model.reload()

    def search_pending(self) -> bool:
        """True until the rows for the text in the search box (and the filters) have arrived."""
        return self._timer.isActive() or self.model.loading

    def _show_count(self, total: int) -> None:
        self.count_label.setText(f"{total} expediente{'s' if total != 1 else ''}")
