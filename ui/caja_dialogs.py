"""The cash day at the window: Abrir caja (a fondo inicial), Corte de caja (count by denomination,
expected vs counted live, signed by a supervisor's username and password) and Cancelar recibo
(reason and the supervisor's own password), and the supervisor's Cierre del día (warnings on
screen before the PDF). Every write runs off the GUI thread: opening on the
local lane; the corte and the cancellation on the slow one (a password may be asked of the
platform). After a corte its PDF is saved to the data folder's `cortes/` and can be printed again
(REIMPRESIÓN n), never edited.

Keys: Abrir caja — Enter opens. Corte — Tab / Shift+Tab move between the counts and the
signature, Enter on the password signs. Cancelar recibo — Enter on the reason moves to the
password, Enter on the password cancels. Esc goes back in all three.

Signals:
    OpenCajaDialog.caja_opened(object): the CajaInfo.
    CorteDialog.corte_signed(str): the closed caja's uuid (its PDF is `pdf_path`).
    CancelReciboDialog.recibo_cancelled(object): the CancelledRecibo.
    CierreDialog.cierre_saved(object): the Path of the cierre's PDF.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from desktop.access.permissions import CurrentUser
from desktop.clock import office_today
from desktop.context import AppContext
from desktop.records.cajas import CajaInfo, open_caja
from desktop.records.cierre import cierre_data, save_cierre_pdf
from desktop.records.corte import (
    DENOMINATIONS,
    MAX_PIECES,
    CorteState,
    corte_state,
    save_corte_pdf,
)
from desktop.records.reauth import cancel_recibo_with_password, sign_corte
from formatting import format_datetime, format_money
from printing.cierre import CierreData
from ui.layout_parts import fit_height
from ui.task_dialog import TaskDialog
from ui.tasks import Lane, TaskRunner


class OpenCajaDialog(TaskDialog):
    caja_opened = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._ctx, self._user = ctx, user
        self.setObjectName("openCajaDialog")
        self.setWindowTitle("Abrir caja")
        self.fondo = QLineEdit()
        self.fondo.setObjectName("cajaFondo")
        self.fondo.setPlaceholderText("Por ejemplo: 500.00")
        self.fondo.setMaxLength(14)
        self.confirm = QPushButton("Abrir caja")
        self.confirm.setObjectName("openCajaConfirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setAutoDefault(False)
        what = QLabel("Cuente el efectivo con que empieza la caja (el fondo inicial). Los pagos "
                      "se registran en esta caja hasta su corte.")
        what.setWordWrap(True)
        caption = QLabel("&Fondo inicial (pesos)")
        caption.setBuddy(self.fondo)
        self.lay_out_form((what, caption, self.fondo, self.message), width=440)
        self.fondo.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.fondo.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.busy:
            return
        ctx, user, fondo = self._ctx, self._user, self.fondo.text()
        self.run_confirmed(Lane.LOCAL, lambda: open_caja(ctx, user, fondo), self._opened,
                           "Abriendo…")

    def _opened(self, info: CajaInfo) -> None:
        self.accept()
        self.caja_opened.emit(info)


class CorteDialog(TaskDialog):
    """Counts by denomination; the expected cash is read when the dialog opens."""

    corte_signed = Signal(str)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._ctx, self._user = ctx, user
        self.state: CorteState | None = None
        self.pdf_path: Path | None = None
        self.setObjectName("corteDialog")
        self.setWindowTitle("Corte de caja")
        self.counts = {d.key: self._spin(d.key) for d in DENOMINATIONS}
        self.summary = QLabel("Leyendo la caja…")
        self.summary.setObjectName("corteSummary")
        self.summary.setWordWrap(True)
        self.balance = QLabel()
        self.balance.setObjectName("corteBalance")
        self.supervisor = QLineEdit()
        self.supervisor.setObjectName("corteSupervisor")
        self.password = QLineEdit()
        self.password.setObjectName("cortePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton("Firmar y cerrar caja")
        self.confirm.setObjectName("corteConfirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setAutoDefault(False)
        self.lay_out_form((self.summary, self._grid(), self.balance, *self._signature(),
                           self.message), width=560)
        self.password.returnPressed.connect(self.submit)
        self.supervisor.returnPressed.connect(self.password.setFocus)
        self.confirm.clicked.connect(self.submit)
        self.confirm.setEnabled(False)
        self.counts[DENOMINATIONS[0].key].setFocus(Qt.FocusReason.OtherFocusReason)
        runner.run(Lane.LOCAL, lambda: corte_state(ctx), self._loaded, self._refused, owner=self)

    def _spin(self, key: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(f"count_{key}")
        spin.setRange(0, MAX_PIECES)
        spin.setAccelerated(True)
        spin.valueChanged.connect(lambda _v: self._update())
        return spin

    def _grid(self) -> QWidget:
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 4, 0, 4)
        half = len(DENOMINATIONS) // 2
        for index, denomination in enumerate(DENOMINATIONS):
            row, column = index % half, (index // half) * 2
            label = QLabel(denomination.label)
            label.setBuddy(self.counts[denomination.key])
            grid.addWidget(label, row, column)
            grid.addWidget(self.counts[denomination.key], row, column + 1)
        return grid_widget

    def _signature(self) -> tuple[QWidget, ...]:
        who = QLabel("&Usuario del supervisor que firma")
        who.setBuddy(self.supervisor)
        secret = QLabel("Con&traseña del supervisor")
        secret.setBuddy(self.password)
        return who, self.supervisor, secret, self.password

    def counted(self) -> Decimal:
        return sum((d.value * self.counts[d.key].value() for d in DENOMINATIONS),
                   Decimal("0.00"))

    def difference(self) -> Decimal | None:
        return None if self.state is None else self.counted() - self.state.expected

    def _loaded(self, state: CorteState) -> None:
        self.state = state
        cancelled = f" · {state.cancelled} cancelado(s)" if state.cancelled else ""
        self.summary.setText(
            f"Caja abierta por {state.opened_by} el {format_datetime(state.opened_at)}. "
            f"Fondo {format_money(state.fondo)} + efectivo cobrado "
            f"{format_money(state.efectivo)} ({state.recibos} recibo(s){cancelled}).")
        self.confirm.setEnabled(True)
        self._update()

    def _update(self) -> None:
        difference = self.difference()
        if self.state is None or difference is None:
            return
        word = "sobrante" if difference > 0 else "faltante" if difference < 0 else "cuadra"
        self.balance.setText(
            f"Esperado <b>{format_money(self.state.expected)}</b> · Contado "
            f"<b>{format_money(self.counted())}</b> · Diferencia "
            f"<b>{format_money(difference)}</b> ({word})")
        self.balance.setProperty("role", "" if difference == 0 else "warning")

    def submit(self) -> None:
        if self.busy or self.state is None:
            return
        ctx, user = self._ctx, self._user
        counts = {k: spin.value() for k, spin in self.counts.items() if spin.value()}
        supervisor, password = self.supervisor.text(), self.password.text()

        def sign_and_save() -> tuple[str, Path]:
            uuid = sign_corte(ctx, user, counts, supervisor, password)
            return uuid, save_corte_pdf(ctx, user, uuid)

        self.run_confirmed(Lane.SLOW, sign_and_save, self._signed, "Firmando…")

    def _signed(self, result: tuple[str, Path]) -> None:
        uuid, self.pdf_path = result
        self.accept()
        self.corte_signed.emit(uuid)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.confirm.setEnabled(self.state is not None)  # nothing to sign without a caja
        self.password.clear()
        self.password.setFocus()


class CancelReciboDialog(TaskDialog):
    FIT_HEIGHT = True
    recibo_cancelled = Signal(object)

    def __init__(self, folio: str, recibo_folio: str, ctx: AppContext, user: CurrentUser,
                 runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.folio, self._ctx, self._user = folio, ctx, user
        self.setObjectName("cancelReciboDialog")
        self.setWindowTitle(f"Cancelar recibo {recibo_folio}")
        self.reason = QLineEdit()
        self.reason.setObjectName("reciboReason")
        self.reason.setMaxLength(500)
        self.password = QLineEdit()
        self.password.setObjectName("reciboPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QPushButton("Cancelar recibo")
        self.confirm.setObjectName("reciboConfirm")
        self.confirm.setProperty("danger", True)
        self.confirm.setAutoDefault(False)
        what = QLabel(f"El recibo {recibo_folio} del folio {folio} queda cancelado con su motivo: "
                      "no se borra, aparece en el corte de caja y su folio no se vuelve a usar. "
                      "El expediente queda sin pago.")
        what.setWordWrap(True)
        caption = QLabel("&Motivo de la cancelación del recibo (obligatorio)")
        caption.setBuddy(self.reason)
        secret = QLabel(f"Su &contraseña, {user.full_name}, para confirmar")
        secret.setBuddy(self.password)
        self.lay_out_form((what, caption, self.reason, secret, self.password, self.message),
                          width=500)
        self.reason.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.busy:
            return
        ctx, user, folio = self._ctx, self._user, self.folio
        reason, password = self.reason.text(), self.password.text()
        self.run_confirmed(
            Lane.SLOW, lambda: cancel_recibo_with_password(ctx, user, folio, reason, password),
            self._cancelled, "Cancelando…")

    def _cancelled(self, result: object) -> None:
        self.accept()
        self.recibo_cancelled.emit(result)

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.password.clear()
        (self.password if len(self.reason.text().strip()) >= 5 else self.reason).setFocus()


class CierreDialog(TaskDialog):
    """Cierre del día: the warnings first (unsent records, open cajas, naming the window), a
    summary per window, and Enter saves the PDF."""

    FIT_HEIGHT = True
    cierre_saved = Signal(object)

    def __init__(self, ctx: AppContext, user: CurrentUser, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._ctx, self._user = ctx, user
        self.data: CierreData | None = None
        self.pdf_path: Path | None = None
        self.setObjectName("cierreDialog")
        self.setWindowTitle("Cierre del día")
        self.warnings = QLabel("Leyendo el día…")
        self.warnings.setObjectName("cierreWarnings")
        self.warnings.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("cierreSummary")
        self.summary.setWordWrap(True)
        self.confirm = QPushButton("Imprimir cierre")
        self.confirm.setObjectName("cierreConfirm")
        self.confirm.setProperty("primary", True)
        self.confirm.setEnabled(False)
        self.lay_out_form((self.warnings, self.summary, self.message), width=560)
        self.confirm.clicked.connect(self.submit)
        runner.run(Lane.LOCAL, lambda: cierre_data(ctx, user, office_today(ctx)), self._loaded,
                   self._refused, owner=self)

    def _loaded(self, data: CierreData) -> None:
        self.data = data
        self.warnings.setText("\n".join(f"⚠ {w}" for w in data.warnings)
                              or "Sin avisos: todo enviado y las cajas cerradas.")
        self.warnings.setProperty("role", "warning" if data.warnings else "")
        self.summary.setText("\n".join(
            f"Ventanilla {v.ventanilla}: {sum(n for _t, n in v.captures)} captura(s), cobros "
            f"{format_money(sum((a for _c, _r, a in v.cobros), Decimal('0')))}, "
            f"{len(v.cancelled)} folio(s) cancelado(s)" for v in data.ventanillas))
        self.confirm.setEnabled(True)
        self.confirm.setFocus()
        if self.FIT_HEIGHT:
            fit_height(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        if self.busy or self.data is None:
            return
        ctx, user, data = self._ctx, self._user, self.data
        self.run_confirmed(Lane.LOCAL, lambda: save_cierre_pdf(ctx, user, data), self._saved,
                           "Guardando…")

    def _refused(self, exc: BaseException) -> None:
        super()._refused(exc)
        self.confirm.setEnabled(self.data is not None)

    def _saved(self, path: Path) -> None:
        self.pdf_path = path
        self.accept()
        self.cierre_saved.emit(path)
