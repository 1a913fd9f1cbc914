"""Expedientes as a table model fed by SQL pages (CONVENTIONS §4).

Pages arrive through the task runner: `fetchMore` asks for the next page, `sort`,
`set_search` and `set_filters` start over with ORDER BY / FTS / WHERE done in SQL. `data()` only
reads rows in memory. The total is asked for separately, in parallel with the first page: the
rows never wait for the count (issue 15).

Signals:
    total_changed(int): how many expedientes match the current search and filters.
    loading_changed(bool): a page request started (True) or ended (False).
    load_failed(object): the exception of a page that could not be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.records.expedientes import ExpedienteRow
from desktop.records.payments import payment_methods
from desktop.states import ExpedienteStatus, envio_label, status_label
from formatting import format_datetime, format_money
from ui.operations import ExpedientePage, ExpedienteQuery
from ui.tasks import Lane, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
# (query, offset, limit, order, descending, with_total) -> page; runs on a worker thread. The
# query is an ExpedienteQuery for the Expedientes list (a QueueFilter for the review queue).
PageLoader = Callable[[Any, int, int, str, bool, bool], ExpedientePage]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("folio", "Folio"), ("nombre", "Solicitante"), ("tramite", "Trámite"),
    ("captured_at", "Capturado"), ("total", "Total"), ("paid", "Pago"), ("status", "Estado"),
    ("sync_state", "Envío"),
)
SORTABLE = {"folio", "nombre", "captured_at", "total", "status"}
PAID = "✓ Pagado"
PAID_COLOR = QColor("#067647")


def payment_cell(row: ExpedienteRow) -> str:
    if row.paid:
        return PAID
    if row.status == ExpedienteStatus.CANCELADO:
        return "—"  # a cancelled folio is not charged
    return "Por pagar" if row.total > 0 else "Sin costo"


def payment_tooltip(row: ExpedienteRow) -> str:
    if row.paid_at is None:
        return payment_cell(row)
    method = dict(payment_methods()).get(row.payment_method or "", row.payment_method or "")
    how = f" con {method}" if method else ""
    return f"Pagado{how} el {format_datetime(row.paid_at)}"


def _cell(row: ExpedienteRow, key: str, demo_office: bool) -> str:
    if key == "paid":
        return payment_cell(row)
    if key == "captured_at":
        return format_datetime(row.captured_at)
    if key == "total":
        return format_money(row.total)
    if key == "status":
        return status_label(row.status)
    if key == "sync_state":
        return envio_label(row.sync_state, demo_office=demo_office)
    return str(getattr(row, key))


class ExpedientesModel(QAbstractTableModel):
    columns: tuple[tuple[str, str], ...] = COLUMNS  # (row attribute, heading)
    total_changed = Signal(int)
    loading_changed = Signal(bool)
    load_failed = Signal(object)

    def __init__(self, loader: PageLoader, runner: TaskRunner, page_size: int = 100,
                 parent: QWidget | None = None, *, demo: bool = False) -> None:
        super().__init__(parent)
        self._loader, self._runner, self.page_size = loader, runner, page_size
        self._demo = demo
        self._rows: list[ExpedienteRow] = []
        self._total = -1  # unknown until the first page answers
        self._query = ExpedienteQuery()
        self._order, self._descending = "captured_at", True
        self._generation = 0
        self._counted_generation = -1  # the generation whose count was asked for
        self._loading = False

    # -- queries ------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def row_at(self, row: int) -> ExpedienteRow:
        return self._rows[row]

    @property
    def query(self) -> Any:
        return self._query

    def set_search(self, text: str) -> None:
        self._query = replace(self._query, search=text.strip())
        self.reload()

    def set_query(self, query: Any) -> None:
        """Start over with another query (the loader's first argument)."""
        self._query = query
        self.reload()

    def set_filters(self, status: str | None, sync_state: str | None) -> None:
        """Only expedientes in this status and sync queue (None: any)."""
        self._query = replace(self._query, status=status, sync_state=sync_state)
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column][0] if 0 <= column < len(self.columns) else ""
        if key not in SORTABLE:
            return
        self._order = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self) -> None:
        """Drop what is loaded and ask again from the first page."""
        self._generation += 1
        self._loading = False  # an answer still in flight belongs to the old generation
        self.beginResetModel()
        self._rows = []
        self._total = -1
        self.endResetModel()
        if not self._loading:  # a view may already have asked, on modelReset
            self._request()

    # -- paging -------------------------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() or self._loading:
            return False
        return self._total < 0 or len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex) -> None:
        if self.canFetchMore(parent):
            self._request()

    def _request(self) -> None:
        generation, offset = self._generation, len(self._rows)
        args = (self._query, offset, self.page_size, self._order, self._descending, False)
        self._set_loading(True)
        self._runner.run(Lane.LOCAL, lambda: self._loader(*args),
                         lambda page: self._page_arrived(generation, page),
                         lambda exc: self._page_failed(generation, exc), owner=self)
        if self._counted_generation != generation:
            self._counted_generation = generation
            self._request_count(generation)

    def _request_count(self, generation: int) -> None:
        """The total, as a page of no rows with its count, on the other local thread."""
        args = (self._query, 0, 0, self._order, self._descending, True)
        self._runner.run(Lane.LOCAL, lambda: self._loader(*args).total,
                         lambda total: self._count_arrived(generation, total),
                         lambda exc: self._page_failed(generation, exc), owner=self)

    def _count_arrived(self, generation: int, total: int) -> None:
        if generation != self._generation or total < 0:
            return
        self._total = max(total, len(self._rows))
        self.total_changed.emit(self._total)

    def _page_arrived(self, generation: int, page: ExpedientePage) -> None:
        if generation != self._generation:
            return  # answer to a search or order that is no longer current
        if page.rows:  # still "loading" here: views may call fetchMore from rowsInserted
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        short = len(page.rows) < self.page_size
        if short:  # the last page: the total is known without the count
            self._total = len(self._rows)
        self._set_loading(False)
        if short:
            self.total_changed.emit(self._total)

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._set_loading(False)
            self._total = len(self._rows)  # stop asking until the next reload
            self.load_failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- model --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        key = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.ToolTipRole and key == "paid":
            return payment_tooltip(self._rows[index.row()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # the tooltip shows what is elided
            return _cell(self._rows[index.row()], key, self._demo)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "total":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "paid":
            return PAID_COLOR if self._rows[index.row()].paid else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section][1]
        return None
