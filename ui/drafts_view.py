"""Borradores of the logged-in user: list, resume, delete.

Signals:
    resume_requested(object): (DraftInput, CaptureSetup) loaded off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser
from desktop.capture.drafts import DraftSummary
from desktop.context import AppContext
from formatting import format_datetime
from ui.layout_parts import page_header, style_table
from ui.operations import drafts_of, open_draft, remove_draft
from ui.tasks import Lane, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
_HEADERS = ("Trámite", "Solicitante", "Guardado")


class DraftsModel(QAbstractTableModel):
    """Rows are loaded by the view through the task runner; data() only reads memory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DraftSummary] = []

    def set_rows(self, rows: list[DraftSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> DraftSummary:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        draft = self._rows[index.row()]
        values = (draft.tramite_nombre, draft.nombre or "—",
                  format_datetime(draft.updated_at))
        return values[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(_HEADERS)):
            return _HEADERS[section]
        return None


class DraftsView(QWidget):
    resume_requested = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self._ctx, self._user, self._runner = ctx, user, runner
        self.model = DraftsModel(self)
        self.table = QTableView()
        self.table.setObjectName("draftsTable")
        self.table.setModel(self.model)
        style_table(self.table)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.resume(index.row()))
        resume = QPushButton("Retomar   Enter")
        resume.setObjectName("resumeDraft")
        resume.setProperty("primary", True)
        resume.clicked.connect(lambda: self.resume(self.table.currentIndex().row()))
        delete = QPushButton("Eliminar borrador")
        delete.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(delete)
        buttons.addWidget(resume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(16)
        layout.addLayout(page_header("Borradores", "Capturas que guardó sin terminar."))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self._runner.run(Lane.LOCAL, lambda: drafts_of(self._ctx, self._user), self._show,
                         owner=self)

    def _show(self, rows: list[DraftSummary]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)

    def resume(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        uuid = self.model.row_at(row).uuid
        self._runner.run(Lane.LOCAL, lambda: open_draft(self._ctx, uuid),
                         self.resume_requested.emit, owner=self)

    def delete_current(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return
        draft = self.model.row_at(row)
        box = QMessageBox(QMessageBox.Icon.Question, "Eliminar borrador",
                          f"¿Eliminar el borrador de «{draft.tramite_nombre}»? No se puede "
                          "deshacer.", QMessageBox.StandardButton.NoButton, self.window())
        box.setObjectName("deleteDraftDialog")
        delete = box.addButton("Eliminar", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Conservar", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.finished.connect(lambda _r: self._delete(draft.uuid, box.clickedButton() is delete))
        box.open()

    def _delete(self, uuid: str, confirmed: bool) -> None:
        if not confirmed:
            return
        self._runner.run(Lane.LOCAL, lambda: remove_draft(self._ctx, self._user, uuid),
                         lambda _r: self.refresh(), owner=self)
