"""Enrolar con la plataforma (administrators, demo office only): the platform's address and the
one-time code turn this machine into a window of a real office.

Enrolling retires the demo users (their passwords are published), the administrator who did it
included, so after the summary the session ends and the login dialog asks for a platform user.

Keys: Enter moves from the address to the code and then enrolls; Esc cancels (or, once
enrolled, ends the session like the button does).

Signals:
    enrolled(object): the sync.enroll.EnrollResult, as soon as the platform enrolled the machine
        (the summary stays up; closing it, `finished`, is when the session should end).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from sync.enroll import EnrollResult
from ui.layout_parts import fit_height
from ui.operations import enroll_machine
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

INTRO = ("Enrolar convierte este equipo en una ventanilla de una oficina real. Se necesita "
         "conexión con la plataforma y el código de un solo uso que da su administrador.")
CONSEQUENCES = ("Al enrolar se desactivan los usuarios de demostración y lo capturado en modo "
                "demostración se queda solo en este equipo: nunca se envía a la plataforma.")
SESSION_ENDS = ("Los usuarios de demostración (operador, supervisor y admin) se desactivaron "
                "porque sus contraseñas son públicas, así que esta sesión termina. Entre con un "
                "usuario dado de alta en la plataforma: la primera vez el equipo debe tener "
                "conexión para verificarlo; después funciona también sin conexión.")
CONTINUE = "Cerrar sesión y entrar con usuario de la plataforma"


def summary_lines(result: EnrollResult) -> list[str]:
    """What the administrator reads after enrolling (HTML-free, one fact per line)."""
    lines = [f"Oficina: {result.oficina_nombre} ({result.oficina}) · {result.municipio}",
             f"Ventanilla: {result.ventanilla}",
             f"Plataforma: {result.server_url}"]
    if result.config_version is not None:
        lines.append(f"Configuración de trámites: versión {result.config_version} aplicada.")
    else:
        lines.append(f"Configuración de trámites: aún no aplicada ({result.config_problem}). "
                     "Se descargará en la próxima sincronización.")
    if result.discarded_demo_mutations:
        lines.append(f"Se descartaron {result.discarded_demo_mutations} envíos de prueba del "
                     "modo demostración.")
    if result.credential_warning:
        lines.append(result.credential_warning)
    return lines


def _text(body: str, name: str = "", *, muted: bool = False) -> QLabel:
    label = QLabel(body)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if muted:
        label.setProperty("role", "muted")
    return label


class EnrollDialog(TaskDialog):
    FIT_HEIGHT = True
    enrolled = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._ctx, self._user = ctx, user
        self.enrollment: EnrollResult | None = None
        self.setObjectName("enrollDialog")
        self.setWindowTitle("Enrolar con la plataforma")
        self.url = QLineEdit()
        self.url.setObjectName("enrollUrl")
        self.url.setPlaceholderText("https://plataforma.municipio.gob.mx")
        self.code = QLineEdit()
        self.code.setObjectName("enrollCode")
        self.code.setPlaceholderText("Código de un solo uso")
        self.confirm = QPushButton("Enrolar")
        self.confirm.setObjectName("enrollSubmit")
        self.confirm.setProperty("primary", True)
        self.confirm.setAutoDefault(False)  # Enter is handled per field
        self.cancel_button = QPushButton("Cancelar")
        self.cancel_button.setAutoDefault(False)
        self.summary = _text("", "noticeBox")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.continue_button = QPushButton(CONTINUE)
        self.continue_button.setObjectName("enrollContinue")
        self.continue_button.setProperty("primary", True)
        # Two pages shown one at a time (a QStackedWidget would not size wrapped text).
        self.form_page, self.summary_page = self._form_page(), self._summary_page()
        self.summary_page.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.addWidget(self.form_page)
        layout.addWidget(self.summary_page)
        self.setFixedWidth(520)
        self.url.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.continue_button.clicked.connect(self.accept)
        self.url.setFocus(Qt.FocusReason.OtherFocusReason)

    def _form_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(_text(INTRO))
        for caption, edit in (("&Dirección de la plataforma", self.url),
                              ("&Código de enrolamiento", self.code)):
            label = QLabel(caption)
            label.setBuddy(edit)
            column.addWidget(label)
            column.addWidget(edit)
        column.addWidget(_text(CONSEQUENCES, muted=True))
        column.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm)
        column.addLayout(buttons)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        heading = QLabel("✓  Equipo enrolado")
        heading.setObjectName("readyLabel")
        heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        column.addWidget(heading)
        column.addWidget(self.summary)
        column.addWidget(_text(SESSION_ENDS, "sessionEnds"))
        column.addWidget(self.continue_button)
        return page

    # -- enrolling ----------------------------------------------------------------------

    def submit(self) -> None:
        url, code = self.url.text().strip(), self.code.text().strip()
        if self.busy or self.enrollment is not None:
            return
        if not url or not code:
            self.show_message("Escriba la dirección de la plataforma y el código.")
            return
        ctx, user = self._ctx, self._user
        self.run_confirmed(Lane.SLOW, lambda: enroll_machine(ctx, user, url, code),
                           self._enrolled, "Enrolando…")

    def locked_while_busy(self) -> tuple[QWidget, ...]:
        return (self.url, self.code, self.confirm, self.cancel_button)

    def _enrolled(self, result: EnrollResult) -> None:
        self.enrollment = result
        self.enrolled.emit(result)
        self.summary.setText("\n".join(summary_lines(result)))
        self.form_page.hide()
        self.summary_page.show()
        fit_height(self)
        self.continue_button.setFocus()

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.code.setFocus()
        self.code.selectAll()

    # -- closing ------------------------------------------------------------------------

    def reject(self) -> None:
        """Not while the platform is being asked; after enrolling, closing ends the session."""
        if self.enrollment is not None and not self.busy:
            self.accept()
            return
        super().reject()
