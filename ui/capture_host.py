"""Holds the capture in progress, or the saved expediente right after it, or a hint when idle.

Starting another capture while one has unsaved answers asks first (the capture's own Esc dialog).

Signals:
    expediente_saved(object): CaptureResult of a capture that was just committed.
    draft_saved(str): uuid of a borrador just saved.
    catalog_requested(): the operador wants to choose the next trámite.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop.access.permissions import CurrentUser
from desktop.capture.drafts import DraftInput
from desktop.capture.service import CaptureResult
from desktop.context import AppContext
from ui.capture_view import CaptureView
from ui.operations import CaptureSetup, open_draft
from ui.saved_view import SavedView
from ui.tasks import Lane, TaskRunner

IDLE_HINT = ("No hay una captura en curso.\n"
             "Elija un trámite en el Catálogo (F2) o retome un borrador (F4).")


class CaptureHost(QStackedWidget):
    expediente_saved = Signal(object)
    draft_saved = Signal(str)
    catalog_requested = Signal()

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._user, self._runner = ctx, user, runner
        self.capture: CaptureView | None = None
        self.saved: SavedView | None = None
        idle = QWidget()
        idle.setObjectName("page")
        hint = QLabel(IDLE_HINT)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setProperty("role", "muted")
        QVBoxLayout(idle).addWidget(hint)
        self.addWidget(idle)

    def has_unsaved_work(self) -> bool:
        return self.capture is not None and self.capture.dirty

    def start(self, setup: CaptureSetup, draft: DraftInput | None = None) -> None:
        """Open a capture; if the current one has unsaved answers, ask before replacing it."""
        if self.capture is not None and self.capture.dirty:
            self.setCurrentWidget(self.capture)
            self.capture.ask_discard(lambda: self._open(setup, draft))
            return
        self._open(setup, draft)

    def _open(self, setup: CaptureSetup, draft: DraftInput | None) -> None:
        view = CaptureView(setup, self._ctx, self._user, self._runner)
        if draft is not None:
            view.load_draft(draft)
        view.expediente_saved.connect(lambda result: self._show_saved(setup, result))
        view.draft_saved.connect(self.draft_saved)
        view.discarded.connect(lambda: self._close_capture(view))
        if view.version_bar is not None:
            view.version_bar.moved.connect(self._reopen_draft)
        self._replace(view)
        self.capture = view
        view.form.focus_first()

    def _reopen_draft(self, uuid: str) -> None:
        """The borrador moved to the version in force: open it again under that version."""
        ctx = self._ctx
        self._runner.run(Lane.LOCAL, lambda: open_draft(ctx, uuid),
                         lambda loaded: self._open(loaded[1], loaded[0]), owner=self)
        self.draft_saved.emit(uuid)

    def _show_saved(self, setup: CaptureSetup, result: CaptureResult) -> None:
        saved = SavedView(result.folio, result.total, setup.tramite.nombre, self._ctx,
                          self._user, self._runner)
        saved.new_capture_requested.connect(self.catalog_requested)
        self._replace(saved)
        self.saved = saved
        self.expediente_saved.emit(result)

    def _close_capture(self, view: CaptureView) -> None:
        if self.capture is view:
            self._replace(None)
            self.catalog_requested.emit()

    def _replace(self, widget: QWidget | None) -> None:
        for old in (self.capture, self.saved):
            if old is not None:
                self.removeWidget(old)
                old.deleteLater()
        self.capture, self.saved = None, None
        if widget is not None:
            self.addWidget(widget)
            self.setCurrentWidget(widget)
        else:
            self.setCurrentIndex(0)
