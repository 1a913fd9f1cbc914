"""The counter window's header (who, where, and the buttons a role is offered) and its
keyboard shortcuts, with the caja actions they open: a mixin of ui.main_window.MainWindow.

Keys: F2…F7 the pages, Ctrl+L bloquear, Ctrl+Shift+A abrir caja, Ctrl+Shift+K corte de caja,
Ctrl+Shift+R reimprimir el último corte, Ctrl+Shift+E cierre del día.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton

from desktop.access.permissions import CurrentUser, Permission
from desktop.context import AppContext
from desktop.office import OfficeInfo
from desktop.records.corte import reprint_last_corte
from desktop.states import ROLE_LABELS
from ui.caja_dialogs import CierreDialog, CorteDialog, OpenCajaDialog
from ui.diagnostics_export import ACTION as DIAGNOSTICS_ACTION
from ui.diagnostics_export import DiagnosticsExport
from ui.status_bar import StatusBar
from ui.tasks import Lane, TaskRunner

if TYPE_CHECKING:
    _Base = QMainWindow
else:
    _Base = object


class HeaderActions(_Base):
    """Needs the window's ctx, user, office, runner, status, diagnostics and page_entries, and
    its go, lock, is_locked, open_config and open_enroll."""

    ctx: AppContext
    user: CurrentUser
    office: OfficeInfo
    runner: TaskRunner
    status: StatusBar
    diagnostics: DiagnosticsExport
    page_entries: tuple[tuple[str, str], ...]

    if TYPE_CHECKING:
        def go(self, index: int) -> None: ...
        def lock(self, idle: bool = False) -> None: ...
        def is_locked(self) -> bool: ...
        def open_config(self) -> object: ...
        def open_enroll(self) -> object: ...

    def _header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("header")
        title = QLabel("Ventanilla")
        title.setObjectName("headerTitle")
        where = QLabel(f"{self.office.municipio} · {self.office.oficina_nombre} · "
                       f"Ventanilla {self.office.ventanilla}")
        where.setObjectName("headerSubtitle")
        who = QLabel(f"{self.user.full_name}\n{ROLE_LABELS[self.user.role]}")
        who.setObjectName("headerSubtitle")
        who.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        lock = QPushButton("Bloquear   Ctrl+L")
        lock.setObjectName("lockButton")
        lock.clicked.connect(lambda: self.lock())
        layout = QHBoxLayout(header)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addWidget(where, 1)
        layout.addWidget(who)
        if self.user.can(Permission.OPEN_CAJA):
            for text, name, slot in (("Abrir caja   Ctrl+Shift+A", "openCajaButton",
                                      self.open_caja),
                                     ("Corte de caja   Ctrl+Shift+K", "corteButton",
                                      self.open_corte)):
                button = QPushButton(text)
                button.setObjectName(name)
                button.clicked.connect(slot)
                layout.addWidget(button)
        if self.user.can(Permission.IMPORT_CONFIG):
            config = QPushButton("Configuración…")
            config.setObjectName("configButton")
            config.clicked.connect(self.open_config)
            layout.addWidget(config)
        if self.user.can(Permission.CIERRE_DIA):
            cierre = QPushButton("Cierre del día   Ctrl+Shift+E")
            cierre.setObjectName("cierreButton")
            cierre.clicked.connect(self.open_cierre)
            layout.addWidget(cierre)
        if self.office.demo and self.user.can(Permission.ENROLL):
            enroll = QPushButton("Enrolar con la plataforma…")
            enroll.setObjectName("enrollButton")
            enroll.clicked.connect(self.open_enroll)
            layout.addWidget(enroll)
        if self.user.can(Permission.EXPORT_DIAGNOSTICS):
            diagnostics = QPushButton(DIAGNOSTICS_ACTION)
            diagnostics.setObjectName("diagnosticsButton")
            diagnostics.clicked.connect(self.diagnostics.ask)
            layout.addWidget(diagnostics)
        layout.addWidget(lock)
        return header

    def _install_shortcuts(self) -> None:
        for index, (_name, key) in enumerate(self.page_entries):
            QShortcut(QKeySequence(key), self, lambda i=index: self.go(i))
        QShortcut(QKeySequence("Ctrl+L"), self, lambda: self.lock())
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, lambda: self.open_caja())
        QShortcut(QKeySequence("Ctrl+Shift+K"), self, lambda: self.open_corte())
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, lambda: self.reprint_corte())
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, lambda: self.open_cierre())

    # -- caja ---------------------------------------------------------------------------

    def open_caja(self) -> OpenCajaDialog | None:
        """Abrir caja (Ctrl+Shift+A); the service refuses a role without the permission."""
        if self.is_locked():
            return None
        dialog = OpenCajaDialog(self.ctx, self.user, self.runner, self)
        dialog.caja_opened.connect(
            lambda info: self.status.showMessage(info.describe(), 8000))
        dialog.open()
        return dialog

    def open_corte(self) -> CorteDialog | None:
        """Corte de caja (Ctrl+Shift+K): count, compare, a supervisor signs, the caja closes."""
        if self.is_locked():
            return None
        dialog = CorteDialog(self.ctx, self.user, self.runner, self)
        dialog.corte_signed.connect(lambda _uuid: self.status.showMessage(
            f"Caja cerrada; corte guardado en {dialog.pdf_path}", 15000))
        dialog.open()
        return dialog

    def open_cierre(self) -> CierreDialog | None:
        """Cierre del día (Ctrl+Shift+E, supervisors): warnings first, then the PDF."""
        if self.is_locked():
            return None
        dialog = CierreDialog(self.ctx, self.user, self.runner, self)
        dialog.cierre_saved.connect(
            lambda path: self.status.showMessage(f"Cierre del día guardado en {path}", 15000))
        dialog.open()
        return dialog

    def reprint_corte(self) -> None:
        """Ctrl+Shift+R: the last corte again, marked REIMPRESIÓN n; never edited."""
        if self.is_locked():
            return
        ctx, user = self.ctx, self.user
        self.runner.run(Lane.LOCAL, lambda: reprint_last_corte(ctx, user),
                        lambda path: self.status.showMessage(
                            f"Corte reimpreso en {path}", 15000),
                        lambda exc: self.status.showMessage(str(exc), 15000), owner=self)
