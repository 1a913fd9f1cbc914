"""The banner of a window that has not reached the platform for `aviso_dias` or more
(desktop/records/staleness.py): it counts the days, says capture is blocked past `bloqueo_dias`,
and offers a supervisor's 24-hour extension; once granted it shows until when. Hidden while the
window is up to date and always in a demo office.

It re-reads its state when asked (after a sync run, a capture, an extension) and every few
minutes, on the local lane.

Keys: Alt+P opens the extension dialog while the banner offers it.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.context import AppContext
from desktop.records.staleness import StaleStatus, banner_text, read_stale_status
from ui.extension_dialog import ExtensionDialog
from ui.tasks import Lane, TaskRunner
from ui.theme import set_dynamic_property

REFRESH_MS = 5 * 60 * 1000
EXTENSION_ACTION = "Conceder &prórroga…"


class StaleBanner(QFrame):
    extension_granted = Signal(object)

    def __init__(self, ctx: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._runner = ctx, runner
        self.status: StaleStatus | None = None
        self.setObjectName("staleBanner")
        self.label = QLabel()
        self.label.setObjectName("staleBannerText")
        self.label.setWordWrap(True)
        self.button = QPushButton(EXTENSION_ACTION)
        self.button.setObjectName("extensionButton")
        self.button.clicked.connect(self.ask_extension)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def refresh(self) -> None:
        ctx = self._ctx
        self._runner.run(Lane.LOCAL, lambda: read_stale_status(ctx), self._show, owner=self)

    def _show(self, status: StaleStatus) -> None:
        self.status = status
        text = banner_text(status)
        self.label.setText(text)
        set_dynamic_property(self, "level", status.level.value)
        set_dynamic_property(self.label, "level", status.level.value)
        self.button.setVisible(status.shows_banner and status.extension is None)
        self.setVisible(bool(text))

    def ask_extension(self) -> ExtensionDialog:
        dialog = ExtensionDialog(self._ctx, self._runner, self.window())
        dialog.extension_granted.connect(self._granted)
        dialog.open()
        return dialog

    def _granted(self, extension: object) -> None:
        self.refresh()
        self.extension_granted.emit(extension)
