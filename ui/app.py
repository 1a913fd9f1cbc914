"""Start the counter window: theme, error handling, login, main window, sync timer.

`run_gui(ctx)` is what main.py calls; it returns the process exit code. When an administrator
enrolls the machine, the demo users are retired: the window closes and the login dialog opens
again, now for the enrolled office's users.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop import heap
from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.office import OfficeInfo, load_office
from ui.error_dialog import install_excepthook, show_exception
from ui.idle_lock import DEFAULT_IDLE_MS
from ui.login_dialog import LoginDialog
from ui.tasks import Lane, TaskRunner
from ui.theme import apply_theme

if TYPE_CHECKING:
    from sync.engine import SyncEngine
    from sync.scheduler import SyncScheduler
    from ui.main_window import MainWindow
    from ui.sync_bridge import SyncBridge

log = logging.getLogger(__name__)
ENROLLED_NOTICE = ("Equipo enrolado con la plataforma. Entre con su usuario de la plataforma; "
                   "la primera vez se necesita conexión.")


class _Session:
    """What run_gui keeps alive between the event-loop callbacks.

    The login dialog shows first; the main window, sync and its scheduler (with everything they
    import: reportlab, requests, apscheduler…) are made only once a user is in (issue 15:
    nothing the login does not need is imported before it shows)."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, idle_ms: int,
                 start_sync: bool) -> None:
        self.ctx, self.runner, self.idle_ms = ctx, runner, idle_ms
        self.start_sync = start_sync
        self.bridge: SyncBridge | None = None
        self.engine: SyncEngine | None = None
        self.scheduler: SyncScheduler | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None

    def _start_sync_parts(self) -> tuple[SyncEngine, SyncBridge]:
        if self.engine is None or self.bridge is None:
            from sync.engine import SyncEngine
            from sync.scheduler import SyncScheduler
            from ui.sync_bridge import SyncBridge

            self.bridge = SyncBridge()
            self.engine = SyncEngine(self.ctx, self.bridge)
            self.scheduler = SyncScheduler(self.engine) if self.start_sync else None
        return self.engine, self.bridge

    def active_widget(self) -> QWidget | None:
        return self.window or self.login or QApplication.activeWindow()

    def show_login(self, office: OfficeInfo, notice: str = "") -> None:
        self.login = LoginDialog(self.ctx, office, self.runner, notice=notice)
        self.login.logged_in.connect(lambda user: self.show_window(office, user))
        self.login.show()

    def show_window(self, office: OfficeInfo, user: CurrentUser) -> None:
        from ui.main_window import MainWindow

        engine, bridge = self._start_sync_parts()
        self.window = MainWindow(self.ctx, user, office, self.runner, idle_ms=self.idle_ms,
                                 sync_engine=engine, sync_bridge=bridge)
        self.window.machine_enrolled.connect(lambda _result: self.end_session())
        self.window.show()
        if self.scheduler is not None and not self.scheduler.running:
            self.scheduler.start()
        QTimer.singleShot(0, heap.settle)  # at the event loop's next turn, after the show

    def end_session(self) -> None:
        """Re-read the office (now enrolled) and log in again; then close the old window."""
        window = self.window
        self.runner.run(Lane.LOCAL, lambda: load_office(self.ctx),
                        lambda office: self._relogin(office, window), self.start_failed)

    def _relogin(self, office: OfficeInfo, old: MainWindow | None) -> None:
        self.show_login(office, ENROLLED_NOTICE)  # first, so closing the window quits nothing
        self.window = None
        if old is not None:
            old.close()
            old.deleteLater()

    def start_failed(self, exc: BaseException) -> None:
        box = show_exception(None, exc)
        box.finished.connect(lambda _r: QApplication.exit(1))

    def shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop(wait=True)
        self.runner.wait_for_done()
        heap.release()


def run_gui(ctx: AppContext, argv: list[str] | None = None, *,
            idle_ms: int = DEFAULT_IDLE_MS, start_sync: bool = True) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Ventanilla")
    app.setApplicationDisplayName("Ventanilla")
    apply_theme(app)
    runner = TaskRunner(app)
    session = _Session(ctx, runner, idle_ms, start_sync)
    install_excepthook(session.active_widget)
    runner.run(Lane.LOCAL, lambda: load_office(ctx), session.show_login, session.start_failed)
    try:
        return int(app.exec())
    finally:
        session.shutdown()
        log.info("window closed")
