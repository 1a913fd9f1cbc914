"""Status bar: who is working, the sync state with pending count, configuration version, and
"Sincronizar ahora". A demo office has no platform: it says so and offers no sync. While the
keys live in the credentials file (no secure keyring), a warning stays on it; so does one for an
audit chain that failed its start-up check (shown to supervisors and administrators).

Signals:
    sync_requested(): the operador pressed "Sincronizar ahora".
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from desktop.access.permissions import CurrentUser
from desktop.states import ROLE_LABELS
from sync.observer import SyncStatus
from ui.theme import set_dynamic_property

REJECTED_HINT = ("La plataforma rechazó estos envíos. Los expedientes siguen guardados en este "
                 "equipo; el supervisor debe revisarlos.")


DEMO_STATE = "● Modo demostración · sin plataforma"
DEMO_HINT = ("Este equipo no está enrolado con una plataforma: lo capturado se guarda solo aquí "
             "y nunca se envía. Un administrador puede enrolarlo con «Enrolar con la "
             "plataforma…».")
DEMO_SYNC_HINT = "No hay plataforma con la cual sincronizar: el equipo está en modo demostración."


CREDENTIALS_FILE_STATE = "⚠ Llaves sin almacén seguro"
AUDIT_ALTERED_STATE = "⚠ Bitácora alterada"


def returned_text(count: int) -> str:
    plural = "s" if count != 1 else ""
    return f"Tiene {count} expediente{plural} devuelto{plural} por corregir"


def rejected_text(count: int) -> str:
    return f"⚠ {count} rechazado{'s' if count != 1 else ''} por la plataforma"


class StatusBar(QStatusBar):
    sync_requested = Signal()

    def __init__(self, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.user_label = QLabel(f"{user.full_name} · {ROLE_LABELS[user.role]}")
        self.user_label.setObjectName("userIndicator")
        self.sync_label = QLabel("● Consultando estado…")
        self.sync_label.setObjectName("syncIndicator")
        self.rejected_label = QLabel()
        self.rejected_label.setObjectName("rejectedIndicator")
        self.rejected_label.setToolTip(REJECTED_HINT)
        self.rejected_label.hide()
        self.returned_label = QLabel()
        self.returned_label.setObjectName("returnedIndicator")
        self.returned_label.setToolTip("Ábralos en Expedientes (F5): la nota dice qué corregir.")
        self.returned_label.hide()
        self.config_label = QLabel()
        self.config_label.setObjectName("configIndicator")
        self.credentials_label = QLabel(CREDENTIALS_FILE_STATE)
        self.credentials_label.setObjectName("credentialsWarning")
        self.credentials_label.hide()
        self.audit_label = QLabel(AUDIT_ALTERED_STATE)
        self.audit_label.setObjectName("auditWarning")
        self.audit_label.hide()
        self.sync_button = QPushButton("Sincronizar ahora")
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setProperty("flat", True)
        self.sync_button.clicked.connect(self.sync_requested)
        self.addWidget(self.user_label)
        self.addWidget(self.returned_label)
        self.addPermanentWidget(self.sync_label)
        self.addPermanentWidget(self.rejected_label)
        self.addPermanentWidget(self.sync_button)
        self.addPermanentWidget(self.config_label)
        self.addPermanentWidget(self.credentials_label)
        self.addPermanentWidget(self.audit_label)

    def show_returned(self, count: int) -> None:
        """The expedientes this user captured that a supervisor returned (none: hidden)."""
        self.returned_label.setText(returned_text(count))
        self.returned_label.setVisible(count > 0)

    def show_sync(self, status: SyncStatus) -> None:
        pending = f"{status.pending} pendiente{'s' if status.pending != 1 else ''} de envío"
        self.sync_label.setText(f"● {status.label} · {pending}")
        self.sync_label.setToolTip(status.message)
        self.rejected_label.setText(rejected_text(status.rejected))
        self.rejected_label.setVisible(status.rejected > 0)
        set_dynamic_property(self.sync_label, "state", status.state.value)
        self.sync_button.setEnabled(status.state.value != "sincronizando")
        self.sync_button.setToolTip("")

    def show_demo(self) -> None:
        """No platform: demo captures are never sent, so no pending count and no sync."""
        self.sync_label.setText(DEMO_STATE)
        self.sync_label.setToolTip(DEMO_HINT)
        self.rejected_label.hide()
        set_dynamic_property(self.sync_label, "state", "demo")
        self.sync_button.setEnabled(False)
        self.sync_button.setToolTip(DEMO_SYNC_HINT)

    def show_credentials_warning(self, warning: str | None) -> None:
        """The keys are in a file, not a secure keyring: said for as long as it holds."""
        self.credentials_label.setToolTip(warning or "")
        self.credentials_label.setVisible(warning is not None)

    def show_audit_warning(self, warning: str | None) -> None:
        """The audit chain failed its start-up check: the administrator must run verify-audit."""
        self.audit_label.setToolTip(warning or "")
        self.audit_label.setVisible(warning is not None)

    def show_config_version(self, version: int) -> None:
        self.config_label.setText(f"Configuración v{version}")

    def sync_text(self) -> str:
        """What the operador reads about sync, rejected envíos included."""
        if self.rejected_label.isHidden():
            return self.sync_label.text()
        return f"{self.sync_label.text()} · {self.rejected_label.text()}"
