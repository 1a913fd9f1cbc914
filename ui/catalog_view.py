"""Catálogo: search-as-you-type (accents ignored), trámites grouped by dependencia, and the
selected trámite's nivel, plazo, requisitos and cobros.

Signals:
    capture_requested(object): the operador chose to capture this trámite (a CaptureSetup).
"""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.bundles.catalog import TramiteSummary
from desktop.context import AppContext
from ui.layout_parts import page_header
from ui.operations import CaptureSetup, load_capture_setup, search_catalog
from ui.tasks import Lane, TaskRunner
from ui.tramite_detail import TramiteDetail

SEARCH_DELAY_MS = 150
KEY_ROLE = Qt.ItemDataRole.UserRole


class _ResultsTree(QTreeWidget):
    """The results: the arrow keys step over the dependencia headers, from trámite to trámite."""

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        index = super().moveCursor(action, modifiers)
        upward = action in (QAbstractItemView.CursorAction.MoveUp,
                            QAbstractItemView.CursorAction.MovePrevious)
        while index.isValid() and not index.data(KEY_ROLE):
            index = self.indexAbove(index) if upward else self.indexBelow(index)
        return index if index.isValid() else self.currentIndex()


class _SearchBox(QLineEdit):
    """Enter opens the highlighted trámite; the down arrow hands the keyboard to the results."""

    open_requested = Signal()

    def __init__(self, results: QTreeWidget) -> None:
        super().__init__()
        self._results = results

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            current = self._results.currentItem()
            if current is None or not current.data(0, KEY_ROLE):
                first = _first_tramite(self._results)
                if first is not None:
                    self._results.setCurrentItem(first)
            self._results.setFocus()
            return
        super().keyPressEvent(event)


def _first_tramite(tree: QTreeWidget) -> QTreeWidgetItem | None:
    top = tree.topLevelItem(0)
    return top.child(0) if top is not None and top.childCount() else None


class CatalogView(QWidget):
    capture_requested = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self._ctx, self._runner = ctx, runner
        self._search_seq = 0
        self._shown_seq = 0
        self._detail_seq = 0
        self.results = _ResultsTree()
        self.results.setObjectName("catalogTree")
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setIndentation(14)
        self.search_box = _SearchBox(self.results)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Buscar trámite por nombre, homoclave o dependencia…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.open_requested.connect(self._open_highlighted)
        self._open_when_shown = False
        self.detail = TramiteDetail()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search_now)
        self.search_box.textChanged.connect(lambda _t: self._timer.start())
        self.results.currentItemChanged.connect(self._selected)
        self.results.itemActivated.connect(self._activated)
        self.detail.capture_clicked.connect(self._start_capture)
        self._build()

    def _build(self) -> None:
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.search_box)
        left.addWidget(self.results, 1)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(left, 5)
        body.addWidget(self.detail, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(16)
        layout.addLayout(page_header("Catálogo de trámites",
                                     "Escriba parte del nombre; los acentos no importan."))
        layout.addLayout(body, 1)

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def refresh(self) -> None:
        self._search_now()

    def search_pending(self) -> bool:
        """True until the results for the text in the box are on screen."""
        return self._timer.isActive() or self._shown_seq != self._search_seq

    # -- searching ----------------------------------------------------------------------

    def _search_now(self) -> None:
        self._search_seq += 1
        seq, text = self._search_seq, self.search_box.text()
        self._runner.run(Lane.LOCAL, lambda: search_catalog(self._ctx, text),
                         lambda found: self._show_results(seq, found), owner=self)

    def _show_results(self, seq: int, found: list[TramiteSummary]) -> None:
        if seq != self._search_seq:
            return  # a newer search is on its way
        self._shown_seq = seq
        selected = self._current_key()
        self.results.blockSignals(True)  # the selection is restored below
        self.results.clear()
        bold = QFont(self.results.font())
        bold.setBold(True)
        for dependencia, group in groupby(found, key=lambda s: s.dependencia_nombre):
            tramites = list(group)
            parent = QTreeWidgetItem(self.results, [f"{dependencia}  ({len(tramites)})"])
            parent.setFont(0, bold)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for summary in tramites:
                item = QTreeWidgetItem(parent, [summary.nombre])
                item.setData(0, KEY_ROLE, (summary.homoclave, summary.version))
                item.setToolTip(0, f"{summary.homoclave} · Nivel {summary.nivel}")
        self.results.expandAll()
        if not found:
            QTreeWidgetItem(self.results, ["Ningún trámite coincide con la búsqueda."])
        self.results.blockSignals(False)
        self._restore_selection(selected)
        self.detail.set_result_count(len(found))

    def _current_key(self) -> tuple[str, int] | None:
        item = self.results.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return tuple(key) if key else None

    def _restore_selection(self, selected: tuple[str, int] | None) -> None:
        """Keep the trámite chosen before a new search (or a new catálogo) if it is still
        listed (its newest version is shown); otherwise highlight the first trámite listed.
        With nothing listed the detail empties."""
        homoclave = selected[0] if selected else None
        again = next((i for i in self._tramite_items()
                      if homoclave and i.data(0, KEY_ROLE)[0] == homoclave), None)
        first = again or next(iter(self._tramite_items()), None)
        if first is not None:
            self.results.setCurrentItem(first)
        elif self.detail.setup is not None:
            self.detail.clear()
        if self._open_when_shown:
            self._open_when_shown = False
            self._open_highlighted()

    def _tramite_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.results.topLevelItemCount()):
            top = self.results.topLevelItem(i)
            if top is not None:
                items += [c for j in range(top.childCount()) if (c := top.child(j)) is not None]
        return items

    def visible_tramites(self) -> list[str]:
        """Nombres listed now, in order (what the operador sees)."""
        return [item.text(0) for item in self._tramite_items()]

    def select_tramite(self, nombre: str) -> None:
        item = next((i for i in self._tramite_items() if i.text(0) == nombre), None)
        if item is None:
            raise LookupError(nombre)
        self.results.setCurrentItem(item)

    # -- detail -------------------------------------------------------------------------

    def _selected(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        key = item.data(0, KEY_ROLE) if item is not None else None
        if not key or tuple(key) == self.detail.shown_key():
            return
        self._detail_seq += 1
        seq, (homoclave, version) = self._detail_seq, key
        self._runner.run(Lane.LOCAL, lambda: load_capture_setup(self._ctx, homoclave, version),
                         lambda setup: self._show_detail(seq, setup), owner=self)

    def _show_detail(self, seq: int, setup: CaptureSetup) -> None:
        if seq == self._detail_seq:
            self.detail.show_setup(setup)

    def _open_highlighted(self) -> None:
        """Enter in the search box: capture the highlighted trámite, once the results for the
        text typed so far are on screen."""
        if self.search_pending():
            self._open_when_shown = True
            return
        current = self.results.currentItem()
        if current is not None and current.data(0, KEY_ROLE):
            self._start_capture()

    def _activated(self, item: QTreeWidgetItem) -> None:
        if item.data(0, KEY_ROLE):
            self._start_capture()

    def _start_capture(self) -> None:
        setup = self.detail.setup
        current = self.results.currentItem()
        key = current.data(0, KEY_ROLE) if current is not None else None
        if setup is not None and key == (setup.tramite.homoclave, setup.tramite.version):
            self.capture_requested.emit(setup)
        elif key:
            homoclave, version = key
            self._runner.run(Lane.LOCAL, lambda: load_capture_setup(self._ctx, homoclave, version),
                             self.capture_requested.emit, owner=self)
