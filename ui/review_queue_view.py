"""Revisión: the supervisor's home view (ARCHITECTURE §6 "The review queue").

The office's expedientes, captured here and pulled from its other windows, under the state strip
and the filters (ui/review_queue_filters.py); paged in SQL like the Expedientes list. The rows
come first; the counts (the strip and "N expedientes") are asked once the first page is in, so a
slow count never holds the rows back. Both on the local lane.

Keys: arrows move; Enter opens the detail; Ctrl+Shift+V validates and Ctrl+Shift+D devuelve the
highlighted row (the same keys as in the detail); Tab reaches the strip and every filter.

Signals:
    expediente_opened(object): the QueueRow the supervisor opened.
    reviewed(str): a folio was validado or devuelto from the queue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.records.review import validate_expediente
from desktop.records.review_queue import (
    QueueChoices,
    QueueCounts,
    QueueFilter,
    QueueRow,
    read_queue_choices,
    read_queue_counts,
    read_queue_page,
)
from ui.error_dialog import refusal_text, show_exception
from ui.expedientes_model import COLUMNS, ExpedientesModel
from ui.layout_parts import message_label, page_header, style_table
from ui.operations import ExpedientePage
from ui.review_dialog import RETURN_KEY, VALIDATE_KEY, ReturnDialog
from ui.review_queue_filters import QueueFilters, StateStrip
from ui.tasks import Lane, TaskRunner

QUEUE_COLUMNS = (*COLUMNS[:3], ("ventanilla", "Ventanilla"), ("operador", "Operador"),
                 *COLUMNS[3:4], *COLUMNS[6:])
HINT = ("Enter abre el expediente · Ctrl+Shift+V valida · Ctrl+Shift+D devuelve · "
        "Tab recorre los filtros")


class QueueModel(ExpedientesModel):
    columns = QUEUE_COLUMNS


class ReviewQueueView(QWidget):
    expediente_opened = Signal(object)
    reviewed = Signal(str)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None, *, demo: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self._ctx, self._user, self._runner = ctx, user, runner
        self.filter = QueueFilter()
        self.counts: QueueCounts | None = None  # of the current filter, once counted
        self._counted: QueueFilter | None = None  # the filter whose counts are awaited
        self._count_asked = False
        self._keep_row = 0
        self.model = QueueModel(self._load, runner, parent=self, demo=demo)
        self.model.set_query(self.filter)
        self.strip = StateStrip()
        self.filters = QueueFilters()
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.message = message_label("formError")
        self.table = QTableView()
        self.table.setObjectName("reviewQueueTable")
        self.table.setModel(self.model)
        style_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.model.rowsInserted.connect(lambda *_a: header.resizeSections())
        hint = QLabel(HINT)
        hint.setProperty("role", "muted")
        self.notice = QLabel()  # what the last review from the queue did
        self.notice.setObjectName("queueNotice")
        self._connect()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        layout.addLayout(page_header(
            "Revisión", "Expedientes de la oficina: de esta ventanilla y de las demás."))
        top = QHBoxLayout()
        top.addWidget(self.strip, 1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.notice)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.strip.group_chosen.connect(self._group_chosen)
        self.filters.changed.connect(self._filters_changed)
        self.table.activated.connect(lambda index: self.expediente_opened.emit(
            self.model.row_at(index.row())))
        self.model.loading_changed.connect(self._loading_changed)
        self.model.load_failed.connect(self._failed)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, slot in ((VALIDATE_KEY, self.validate_current),
                          (RETURN_KEY, self.return_current)):
            QShortcut(QKeySequence(key), self, slot, context=context)

    # -- loading ------------------------------------------------------------------------

    def _load(self, query: QueueFilter, offset: int, limit: int, order: str, descending: bool,
              _with_total: bool) -> ExpedientePage:
        """A page, on the local lane; its count comes separately (see `_loading_changed`)."""
        rows = read_queue_page(self._ctx, self._user, query, offset, limit, order, descending)
        return ExpedientePage(-1, list(rows))

    def refresh(self) -> None:
        """Read the queue again (rows, then counts) and what the filters may offer."""
        ctx, user = self._ctx, self._user
        self._runner.run(Lane.LOCAL, lambda: read_queue_choices(ctx, user),
                         self._choices_arrived, self._failed, owner=self)
        self._reload()

    @property
    def loading(self) -> bool:
        """True until the rows and the counts of the current filter have arrived."""
        return self.model.loading or self._counted is not None

    def _reload(self) -> None:
        self._counted, self._count_asked = self.filter, False
        self.model.set_query(self.filter)

    def _loading_changed(self, loading: bool) -> None:
        if loading:
            return
        rows = self.model.rowCount()
        if rows and self.table.currentIndex().row() < 0:
            self.table.selectRow(min(self._keep_row, rows - 1))
        if self._counted is not None and not self._count_asked:  # the first page is in
            self._count_asked = True
            ctx, user, wanted = self._ctx, self._user, self._counted
            self._runner.run(Lane.LOCAL, lambda: read_queue_counts(ctx, user, wanted),
                             lambda counts: self._counts_arrived(wanted, counts),
                             self._failed, owner=self)

    def _counts_arrived(self, wanted: QueueFilter, counts: QueueCounts) -> None:
        if wanted != self.filter:
            return  # the filter changed meanwhile: its own count is on its way
        self._counted = None
        self.counts = counts
        self.strip.show_counts(counts.by_state)
        self.count_label.setText(f"{counts.total} expediente{'s' if counts.total != 1 else ''}")

    def _choices_arrived(self, choices: QueueChoices) -> None:
        self.filters.set_choices(choices)

    def _failed(self, exc: BaseException) -> None:
        self._counted = None
        show_exception(self.window(), exc)

    # -- filters ------------------------------------------------------------------------

    def _group_chosen(self, key: str | None) -> None:
        self.filters.set_group(key)
        self._filters_changed()

    def _filters_changed(self) -> None:
        self.message.setVisible(bool(self.filters.error))
        self.message.setText(self.filters.error)
        wanted = self.filters.current(self.filter)
        self.strip.set_current(wanted.group)
        if wanted != self.filter:
            self.filter, self._keep_row = wanted, 0
            self._reload()

    # -- review -------------------------------------------------------------------------

    def current_row(self) -> QueueRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        row = self.model.row_at(index.row())
        return row if isinstance(row, QueueRow) else None

    def validate_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        ctx, user, folio = self._ctx, self._user, row.folio
        self._runner.run(Lane.LOCAL, lambda: validate_expediente(ctx, user, folio),
                         lambda _none: self._reviewed(folio, "validado"), self._refused,
                         owner=self)

    def return_current(self) -> ReturnDialog | None:
        row = self.current_row()
        if row is None:
            return None
        dialog = ReturnDialog(row.folio, self._ctx, self._user, self._runner, self.window())
        dialog.returned.connect(lambda folio: self._reviewed(folio, "devuelto"))
        dialog.finished.connect(lambda _r: self._back_to_table())
        dialog.open()
        return dialog

    def _back_to_table(self) -> None:
        """The shortcuts act where the keyboard is: back on the queue once a dialog closes."""
        self.window().activateWindow()
        self.table.setFocus()

    def _reviewed(self, folio: str, decision: str) -> None:
        self.message.hide()
        self.notice.setText(f"Folio {folio} {decision}.")
        self.reviewed.emit(folio)
        self.reload_keeping_row()

    def reload_keeping_row(self) -> None:
        """Read the queue again (a review or a payment changed it), staying near the same row."""
        self._keep_row = max(0, self.table.currentIndex().row())
        self._reload()
        self.table.setFocus()

    def _refused(self, exc: BaseException) -> None:
        self.message.setText(refusal_text(self.window(), exc))
        self.message.show()
