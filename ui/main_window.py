"""The counter window: header, navigation, the four work areas, lock screen and status bar.

Keys: F2 Catálogo, F3 Captura, F4 Borradores, F5 Expedientes, F6 Revisión (who may review the
queues; a supervisor's home), F7 Usuarios (administrators), Ctrl+L bloquear.

Signals:
    machine_enrolled(object): an administrator enrolled the machine (a sync.enroll.EnrollResult);
        the demo users are retired, so this session is over.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser, Permission
from desktop.bundles.history import applied_report, latest_notice
from desktop.capture.drafts import DraftInput
from desktop.context import AppContext
from desktop.office import OfficeInfo
from desktop.records.expedientes import ExpedienteRow
from desktop.states import Role
from sync.engine import SyncEngine
from ui.capture_host import CaptureHost
from ui.catalog_view import CatalogView
from ui.config_dialog import ConfigDialog
from ui.config_notice import ConfigNotice
from ui.diagnostics_export import DiagnosticsExport
from ui.drafts_view import DraftsView
from ui.enroll_dialog import EnrollDialog
from ui.error_dialog import show_error, show_exception
from ui.expediente_dialog import ExpedienteDialog
from ui.expedientes_view import ExpedientesView
from ui.header_actions import HeaderActions
from ui.idle_lock import DEFAULT_IDLE_MS, IdleWatcher, LockScreen
from ui.impact_view import ImpactDialog
from ui.navigation import NavigationList
from ui.operations import CaptureSetup, audit_warning, returned_count
from ui.review_queue_view import ReviewQueueView
from ui.stale_banner import StaleBanner
from ui.status_bar import StatusBar
from ui.sync_bridge import SyncBridge
from ui.sync_panel import SyncPanel
from ui.tasks import Lane, TaskRunner
from ui.users_view import UsersView

PAGES = (("Catálogo", "F2"), ("Captura", "F3"), ("Borradores", "F4"), ("Expedientes", "F5"))
CATALOG, CAPTURE, DRAFTS, EXPEDIENTES = range(4)
REVIEW_PAGE, USERS_PAGE = ("Revisión", "F6"), ("Usuarios", "F7")  # offered by permission
UNSAVED_BEFORE_ENROLL = "Guarde o descarte la captura en curso antes de enrolar el equipo."
DEMO_TEXT = ("MODO DEMOSTRACIÓN — oficina y datos ficticios; los folios no tienen validez "
             "oficial.")


def window_title(office: OfficeInfo) -> str:
    return f"Ventanilla — {office.oficina_nombre} · Ventanilla {office.ventanilla}"


class MainWindow(HeaderActions, QMainWindow):
    machine_enrolled = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, office: OfficeInfo,
                 runner: TaskRunner, *, idle_ms: int = DEFAULT_IDLE_MS,
                 sync_engine: SyncEngine | None = None,
                 sync_bridge: SyncBridge | None = None) -> None:
        super().__init__()
        self.ctx, self.user, self.office, self.runner = ctx, user, office, runner
        self.setWindowTitle(window_title(office))
        self.catalog = CatalogView(ctx, runner)
        self.capture = CaptureHost(ctx, user, runner)
        self.drafts = DraftsView(ctx, user, runner)
        self.expedientes = ExpedientesView(ctx, runner, demo=office.demo)
        self.review_queue = (ReviewQueueView(ctx, user, runner, demo=office.demo)
                             if user.can(Permission.REVIEW_QUEUE) else None)
        self.users = UsersView(ctx, user, runner) if user.can(Permission.MANAGE_USERS) else None
        self.pages = QStackedWidget()
        entries = list(PAGES)
        for page in (self.catalog, self.capture, self.drafts, self.expedientes):
            self.pages.addWidget(page)
        extra: tuple[tuple[QWidget | None, tuple[str, str]], ...] = (
            (self.review_queue, REVIEW_PAGE), (self.users, USERS_PAGE))
        for extra_page, entry in extra:
            if extra_page is not None:
                self.pages.addWidget(extra_page)
                entries.append(entry)
        self.page_entries = tuple(entries)
        self.nav = NavigationList(self.page_entries)
        self.lock_screen = LockScreen(ctx, user, runner)
        self.stale_banner = StaleBanner(ctx, runner)  # days without the platform (hidden: demo)
        self.diagnostics = DiagnosticsExport(ctx, user, runner, self)
        self.outer = QStackedWidget()
        self.status = StatusBar(user)
        self.sync = SyncPanel(ctx, runner, self.status, sync_engine, sync_bridge, parent=self,
                              config_version=office.config_version, demo=office.demo)
        self.config_notice = ConfigNotice(user.can(Permission.IMPORT_CONFIG))
        self._hidden_dialogs: list[QDialog] = []
        self.enrollment: object | None = None  # set once this machine left demo mode
        self.idle = IdleWatcher(idle_ms, self)
        self.setStatusBar(self.status)
        self.setCentralWidget(self._build())
        self._connect()
        self.runner.task_failed.connect(self._task_failed)
        self.status.show_config_version(office.config_version)
        self.status.show_credentials_warning(ctx.credentials_warning)
        if user.can(Permission.REVIEW_QUEUE):  # who answers for the office's records
            self.runner.run(Lane.LOCAL, lambda: audit_warning(ctx),
                            self.status.show_audit_warning, owner=self)
        self.resize(1280, 800)
        self.go(self.home_page())
        self.catalog.refresh()
        self.sync.refresh()
        self.stale_banner.refresh()
        self.refresh_returned()

    def _build(self) -> QWidget:
        workspace = QWidget()
        workspace.setObjectName("workspace")
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        column = QVBoxLayout(workspace)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        if self.office.demo:
            banner = QLabel(DEMO_TEXT)
            banner.setObjectName("demoBanner")
            column.addWidget(banner)
        column.addWidget(self.stale_banner)
        column.addWidget(self.config_notice)
        column.addLayout(body, 1)
        self.outer.addWidget(workspace)
        self.outer.addWidget(self.lock_screen)
        return self.outer

    def _connect(self) -> None:
        self.nav.currentRowChanged.connect(self._page_chosen)
        self._install_shortcuts()
        self.catalog.capture_requested.connect(self.start_capture)
        self.drafts.resume_requested.connect(self.resume_draft)
        self.capture.catalog_requested.connect(lambda: self.go(CATALOG))
        self.capture.expediente_saved.connect(lambda _r: self._data_changed())
        self.capture.draft_saved.connect(lambda _u: self.drafts.refresh())
        self.expedientes.expediente_opened.connect(self.open_expediente)
        if self.review_queue is not None:
            self.review_queue.expediente_opened.connect(self.open_expediente)
            # the queue reads itself again; the rest follows
            self.review_queue.reviewed.connect(
                lambda _folio: self._expediente_reviewed(from_queue=True))
        self.sync.config_version_changed.connect(self._config_changed)
        self.sync.run_ended.connect(self.stale_banner.refresh)  # a sync may end the staleness
        self.idle.idle_timed_out.connect(lambda: self.lock(idle=True))
        self.lock_screen.unlocked.connect(self.unlock)
        self.config_notice.report_requested.connect(self.open_config_report)

    # -- navigation ---------------------------------------------------------------------

    def page_index(self, page: QWidget | None) -> int:
        """Where `page` sits in the navigation; -1 when this user is not offered it."""
        return -1 if page is None else self.pages.indexOf(page)

    def home_page(self) -> int:
        """A supervisor starts at the review queue; everyone else at the catálogo."""
        if self.user.role == Role.SUPERVISOR and self.review_queue is not None:
            return self.page_index(self.review_queue)
        return CATALOG

    def go(self, index: int) -> None:
        if self.is_locked():
            return
        self.nav.setCurrentRow(index)
        self._page_chosen(index)

    def _page_chosen(self, index: int) -> None:
        if self.pages.currentIndex() != index:
            self.pages.setCurrentIndex(index)
            if index == DRAFTS:
                self.drafts.refresh()
            elif index == EXPEDIENTES:
                self.expedientes.refresh()
            elif self.review_queue is not None and index == self.page_index(self.review_queue):
                self.review_queue.refresh()
            elif self.users is not None and index == self.page_index(self.users):
                self.users.refresh()
        if index == CATALOG:
            self.catalog.focus_search()
        elif self.review_queue is not None and index == self.page_index(self.review_queue):
            self.review_queue.table.setFocus()

    def start_capture(self, setup: CaptureSetup) -> None:
        self.go(CAPTURE)
        self.capture.start(setup)

    def resume_draft(self, loaded: tuple[DraftInput, CaptureSetup]) -> None:
        draft, setup = loaded
        self.go(CAPTURE)
        self.capture.start(setup, draft)

    def open_expediente(self, row: ExpedienteRow) -> ExpedienteDialog:
        dialog = ExpedienteDialog(row, self.ctx, self.user, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its PDFs go with it
        dialog.folio_cancelled.connect(
            lambda folio: self._expediente_changed(folio, cancelled=True))
        dialog.payment_registered.connect(lambda info: self._expediente_changed(info.folio))
        dialog.expediente_reviewed.connect(lambda _folio: self._expediente_reviewed())
        dialog.open()
        return dialog

    def _refresh_lists(self) -> None:
        self.expedientes.refresh()
        if self.review_queue is not None:
            self.review_queue.reload_keeping_row()

    def _expediente_changed(self, folio: str, *, cancelled: bool = False) -> None:
        self._refresh_lists()
        self.sync.refresh()  # the cancellation or the payment waits in the outbox
        saved = self.capture.saved  # the same folio, still shown in Captura after saving it
        if saved is not None and saved.folio == folio and cancelled:
            saved.folio_cancelled()
        elif saved is not None and saved.folio == folio:
            saved.render_documents()  # paid: the recibo de pago, no more "Registrar pago…"

    def _expediente_reviewed(self, *, from_queue: bool = False) -> None:
        if from_queue:
            self.expedientes.refresh()
        else:
            self._refresh_lists()  # the new Estado
        self.sync.refresh()  # the review waits in the outbox
        self.refresh_returned()

    def refresh_returned(self) -> None:
        """Tell the user how many of the expedientes they captured were devueltos."""
        ctx, username = self.ctx, self.user.username
        self.runner.run(Lane.LOCAL, lambda: returned_count(ctx, username),
                        self.status.show_returned, owner=self)

    def open_enroll(self) -> EnrollDialog | None:
        if self.capture.has_unsaved_work():
            self.go(CAPTURE)
            show_error(self, UNSAVED_BEFORE_ENROLL, title="Captura en curso")
            return None
        dialog = EnrollDialog(self.ctx, self.user, self.runner, self)
        dialog.enrolled.connect(self._enrolled)
        dialog.finished.connect(lambda _r: self._enroll_closed())
        dialog.open()
        return dialog

    def _enrolled(self, result: object) -> None:
        # This session's user was just retired: a lock screen now could never be reopened.
        self.enrollment = result
        self.idle.stop()

    def _enroll_closed(self) -> None:
        if self.enrollment is not None:
            self.machine_enrolled.emit(self.enrollment)

    def _task_failed(self, exc: BaseException) -> None:
        show_exception(self, exc)

    def _data_changed(self) -> None:
        self.sync.refresh()
        self.stale_banner.refresh()

    def _config_changed(self, version: int) -> None:
        """Sync applied a new bundle: new captures use it (one in progress keeps its version),
        and every user reads what changed in the notice."""
        self.status.show_config_version(version)
        self.catalog.refresh()
        ctx = self.ctx
        self.runner.run(Lane.LOCAL, lambda: latest_notice(ctx), self.config_notice.show_notice,
                        owner=self)

    def open_config(self) -> ConfigDialog:
        dialog = ConfigDialog(self.ctx, self.user, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.config_imported.connect(self._config_imported)
        dialog.open()
        return dialog

    def open_config_report(self, version: int) -> None:
        ctx, user = self.ctx, self.user
        self.runner.run(Lane.LOCAL, lambda: applied_report(ctx, user, version),
                        lambda report: ImpactDialog(report, self).open(), owner=self)

    def _config_imported(self, version: int) -> None:
        self.sync.config_version = version  # imported here: no notice of our own import
        self.status.show_config_version(version)
        self.catalog.refresh()

    # -- lock ---------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return self.outer.currentWidget() is self.lock_screen

    def lock(self, idle: bool = False) -> None:
        if self.is_locked() or self.enrollment is not None:
            return
        self.idle.pause()
        # An open dialog is window-modal: it would sit over the lock screen and block it.
        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        self.outer.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare(idle)

    def unlock(self) -> None:
        self.outer.setCurrentIndex(0)
        self.idle.resume()
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs = []
        self.pages.currentWidget().setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.capture.has_unsaved_work():
            event.ignore()  # never lose a capture in progress, not even behind the lock
            if not self.is_locked() and self.capture.capture is not None:
                self.go(CAPTURE)
                self.capture.capture.ask_discard(self._close_discarding)
            return
        self.idle.stop()
        event.accept()

    def _close_discarding(self) -> None:
        if self.capture.capture is not None:
            self.capture.capture.dirty = False
        self.close()
