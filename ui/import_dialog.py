"""Importar configuración (administrators): the bundle file's impact report first, then the
administrator's password to apply exactly what was shown (desktop/bundles/import_preview.py).
Volver (or Esc) changes nothing.

Keys: Enter on the password applies, Esc goes back.

Signals:
    config_imported(int): the version now in force.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from desktop.access.permissions import CurrentUser
from desktop.bundles.import_preview import ImportPreview, confirm_import
from desktop.bundles.schema import Bundle
from desktop.context import AppContext
from ui.impact_view import ImpactView
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

WHAT_IMPORT_DOES = ("Revise el impacto antes de aplicar: la configuración nueva queda en vigor "
                    "en este equipo para las capturas siguientes. Los borradores y expedientes "
                    "ya guardados conservan su versión.")


class ImportDialog(TaskDialog):
    config_imported = Signal(int)

    def __init__(self, preview: ImportPreview, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.preview, self._ctx, self._user = preview, ctx, user
        self.setObjectName("importDialog")
        self.setWindowTitle(f"Importar configuración versión {preview.bundle.version} "
                            f"({preview.file_name})")
        self.impact = ImpactView(preview.report)
        self.impact.text.setMinimumHeight(320)
        self.password = QLineEdit()
        self.password.setObjectName("importPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton("Aplicar configuración")
        self.confirm.setObjectName("importConfirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setAutoDefault(False)
        self.confirm.setEnabled(False)
        what = QLabel(WHAT_IMPORT_DOES)
        what.setWordWrap(True)
        caption = QLabel(f"Su &contraseña, {user.full_name}, para aplicar")
        caption.setBuddy(self.password)
        self.lay_out_form((self.impact, what, caption, self.password, self.message), width=760)
        self.password.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text)))
        self.password.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        password = self.password.text()
        if self.busy or not password:
            return
        ctx, user, preview = self._ctx, self._user, self.preview
        # The password may be checked with the platform (a platform user): the slow lane.
        self.run_confirmed(Lane.SLOW, lambda: confirm_import(ctx, user, preview, password),
                           self._imported, "Aplicando…")

    def _imported(self, bundle: Bundle) -> None:
        self.accept()
        self.config_imported.emit(bundle.version)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.password.clear()
        self.password.setFocus()
