"""Registrar pago: the citizen pays the whole total at the window, by efectivo, tarjeta,
transferencia or cheque. The payment is recorded off the GUI thread; afterwards the recibo
prints as a "Recibo de pago".

`PaymentBox` is what an expediente's panel shows (paid with what and when, or the button);
`PaymentDialog` asks for the method and reference.

Keys: in the dialog Enter registers the payment, Esc goes back. Without an open caja the
service refuses and the dialog says how to open one (Ctrl+Shift+A). A supervisor sees
"Cancelar recibo…" under a payment with its recibo oficial (ui/caja_dialogs.py).

Signals:
    PaymentDialog.payment_registered(object): the PaymentInfo of the recorded payment.
    PaymentBox.payment_registered(object): the same, re-emitted for the panel that shows it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.access.permissions import CurrentUser, Permission
from desktop.context import AppContext
from desktop.records.payments import MAX_REFERENCE, REFERENCE_REQUIRED, PaymentInfo, payment_methods
from formatting import format_datetime, format_money
from ui.caja_dialogs import CancelReciboDialog
from ui.operations import record_payment
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner

PAYMENT_ACTION = "Registrar pago…"
REFERENCE_HINTS = {
    "efectivo": "No aplica para efectivo",
    "tarjeta": "Número de autorización del voucher (opcional)",
    "transferencia": "Clave de rastreo SPEI",
    "cheque": "Número de cheque y banco",
}


class PaymentDialog(TaskDialog):
    payment_registered = Signal(object)

    def __init__(self, info: PaymentInfo, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.folio, self._ctx, self._user = info.folio, ctx, user
        self.setObjectName("paymentDialog")
        self.setWindowTitle(f"Registrar pago · {info.folio}")
        self.total = QLabel(f"Total a pagar: <b>{format_money(info.total)}</b>")
        self.total.setObjectName("paymentTotal")
        self.method = QComboBox()
        self.method.setObjectName("paymentMethod")
        for value, label in payment_methods():
            self.method.addItem(label, value)
        self.reference = QLineEdit()
        self.reference.setObjectName("paymentReference")
        self.reference.setMaxLength(MAX_REFERENCE)
        self.confirm = QPushButton("Registrar pago")
        self.confirm.setObjectName("paymentConfirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setAutoDefault(False)  # Enter is handled below, once
        self._build()
        self.method.currentIndexChanged.connect(lambda _i: self._method_changed())
        self.confirm.clicked.connect(self.submit)
        self._method_changed()
        self.method.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self) -> None:
        what = QLabel("Se registra el pago del total del folio; no se admiten pagos parciales. "
                      "Después podrá imprimir el recibo de pago.")
        what.setWordWrap(True)
        method_caption = QLabel("&Forma de pago")
        method_caption.setBuddy(self.method)
        self.reference_caption = QLabel()
        self.reference_caption.setBuddy(self.reference)
        self.lay_out_form((self.total, what, method_caption, self.method,
                           self.reference_caption, self.reference, self.message), width=460)

    def selected_method(self) -> str:
        return str(self.method.currentData())

    def _method_changed(self) -> None:
        method = self.selected_method()
        required = " (obligatoria)" if method in REFERENCE_REQUIRED else ""
        self.reference_caption.setText(f"&Referencia{required}")
        self.reference.setPlaceholderText(REFERENCE_HINTS.get(method, ""))
        self.reference.setEnabled(method != "efectivo")
        if method == "efectivo":
            self.reference.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()  # from the combo or the reference field (which passes Enter on)
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        if self.busy:
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        method, reference = self.selected_method(), self.reference.text().strip() or None
        self.run_confirmed(Lane.LOCAL,
                           lambda: record_payment(ctx, user, folio, method, reference),
                           self._registered, "Registrando…")

    def _registered(self, info: PaymentInfo) -> None:
        self.accept()
        self.payment_registered.emit(info)


def describe_payment(info: PaymentInfo) -> str:
    """One line for the panel: "Pagado con Efectivo el 26/11/2026 12:18 · Ref. X"."""
    if info.paid and info.paid_at is not None:
        reference = f" · Ref. {info.reference}" if info.reference else ""
        recibo = f" · Recibo {info.recibo_folio}" if info.recibo_folio else ""
        return (f"Pagado con {info.method_label} el {format_datetime(info.paid_at)}"
                f"{reference}{recibo}")
    if info.cancelled:
        return ""
    return "Pendiente de pago." if info.total > 0 else "Sin importe por pagar."


class PaymentBox(QWidget):
    payment_registered = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._user, self._runner = ctx, user, runner
        self.info: PaymentInfo | None = None
        self._cancelled = False
        self.state = QLabel()
        self.state.setObjectName("paymentState")
        self.state.setWordWrap(True)
        self.button = QPushButton(PAYMENT_ACTION)
        self.button.setObjectName("registerPayment")
        self.button.hide()  # until the expediente's state is known
        self.button.clicked.connect(self.ask)
        self.cancel_recibo = QPushButton("Cancelar recibo…")
        self.cancel_recibo.setObjectName("cancelReciboButton")
        self.cancel_recibo.hide()
        self.cancel_recibo.clicked.connect(self.ask_cancel_recibo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.state)
        layout.addWidget(self.button)
        layout.addWidget(self.cancel_recibo)

    def set_info(self, info: PaymentInfo) -> None:
        if self._cancelled and not info.cancelled:  # read before the cancel: it is final
            info = replace(info, cancelled=True)
        self.info = info
        self.state.setText(describe_payment(info))
        self.state.setProperty("role", "" if info.paid else "muted")
        self.state.setVisible(bool(self.state.text()))
        self.button.setVisible(info.payable and self._user.can(Permission.REGISTER_PAYMENT))
        self.cancel_recibo.setVisible(info.paid and info.recibo_folio is not None
                                      and self._user.can(Permission.CANCEL_RECIBO))

    def set_cancelled(self) -> None:
        """The folio was cancelled: hide the button now, before its state is read again."""
        self._cancelled = True
        self.button.hide()
        if self.info is not None:
            self.set_info(replace(self.info, cancelled=True))

    def ask(self) -> PaymentDialog | None:
        if self.info is None or not self.info.payable:
            return None
        dialog = PaymentDialog(self.info, self._ctx, self._user, self._runner, self.window())
        dialog.payment_registered.connect(self._registered)
        dialog.open()
        return dialog

    def _registered(self, info: PaymentInfo) -> None:
        self.set_info(info)
        self.payment_registered.emit(info)

    def ask_cancel_recibo(self) -> CancelReciboDialog | None:
        if self.info is None or self.info.recibo_folio is None:
            return None
        dialog = CancelReciboDialog(self.info.folio, self.info.recibo_folio, self._ctx,
                                    self._user, self._runner, self.window())
        dialog.recibo_cancelled.connect(lambda _r: self._recibo_cancelled())
        dialog.open()
        return dialog

    def _recibo_cancelled(self) -> None:
        if self.info is not None:
            self.set_info(replace(self.info, method=None, reference=None, paid_at=None,
                                  paid_by=None, recibo_folio=None))
