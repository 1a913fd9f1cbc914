"""The screenshots' shared pieces (scripts/screenshots.py): sizes, seed data, waiting for the
window to settle, saving a widget or a dialog over its window."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from stdnum.mx.curp import calc_check_digit as curp_check_digit

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser
from desktop.bundles.catalog import get_tramite
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext
from desktop.records.cajas import open_caja
from desktop.records.payments import register_payment
from desktop.records.recibos import cancel_recibo
from ui.capture_view import CaptureView
from ui.tasks import TaskRunner

SIZE = (1280, 800)
TRAMITE = "Constancia de no adeudo del impuesto predial"
GOOD_CURP = "GODE561231HSRRRN00"
SEEDS = (
    ("HMO-AGUAH-002", "Rosa Elena Ávila Durazo", "AIDR750312MSRVRS0",
     {"numero_contrato": "118043"}),
    ("HMO-TM-002", "Jesús Manuel Quiroz Leyva", "QULJ820907HSRRYS0", {"motivo": "credito"}),
    ("HMO-SAY-002", "María José Núñez Ochoa", "NUOM990214MSRXCR0",
     {"colonia": "Centro", "anios_residencia": "6", "motivo": "empleo"}),
    ("HMO-AGUAH-002", "Francisco Javier Romo Ibarra", "ROIF680530HSRMBR0",
     {"numero_contrato": "097512"}),
)
ANSWERS = {"nombre": "Daniela Gómez Encinas", "telefono": "6621234567",
           "email": "daniela.gomez@example.mx", "domicilio": "Blvd. Kino 315, Col. Pitic",
           "cp": "83150", "clave_catastral": "12-345-678", "motivo": "compraventa"}


def _quiet_offscreen(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform's harmless notice
        print(message, file=sys.stderr)


def settle(runner: TaskRunner, *pending: Callable[[], bool], timeout_s: float = 30) -> None:
    """Wait until every task delivered its result and nothing in `pending` is on its way,
    then let the last repaint happen (conditions, not fixed sleeps)."""
    deadline = time.monotonic() + timeout_s
    QTest.qWait(20)
    while not runner.is_idle() or any(p() for p in pending):
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not settle")
        QTest.qWait(20)
    QTest.qWait(80)


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"  {path}")


def save_over(base: QWidget, top: QWidget, path: Path) -> None:
    """A dialog as the user sees it: drawn centred over the window it belongs to."""
    image = base.grab()
    dialog = top.grab()
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(17, 24, 39, 60))
    painter.drawPixmap((image.width() - dialog.width()) // 2,
                       (image.height() - dialog.height()) // 2, dialog)
    painter.end()
    image.save(str(path))
    print(f"  {path}")


def seed_expedientes(ctx: AppContext, user: CurrentUser) -> None:
    """A few expedientes captured earlier in the day (the first one already paid), so the list
    looks like a working one."""
    for n, (homoclave, nombre, base, extra) in enumerate(SEEDS):
        answers = {"nombre": nombre, "curp": base + curp_check_digit(base),
                   "telefono": "6622150340", "domicilio": "Calle Rosales 120, Centro",
                   "cp": "83000", "clave_catastral": "03-118-021", **extra}
        with ctx.read() as session:
            tramite = get_tramite(session, homoclave, None)
        claves = {c.clave for c in tramite.campos}
        saved = capture_expediente(ctx, user, CaptureRequest(
            homoclave=homoclave, answers={k: v for k, v in answers.items() if k in claves},
            requisitos=[RequisitoAnswer(r.clave, True) for r in tramite.requisitos]))
        if n == 0:
            open_caja(ctx, user, "500.00")
        if n in (0, 1):
            register_payment(ctx, user, saved.folio, "efectivo")
        if n == 1:  # cashed twice by mistake: the supervisor cancels its recibo
            cancel_recibo(ctx, login(ctx, "supervisor", "supervisor123"), saved.folio,
                          "Cobro registrado dos veces")


def fill_capture(view: CaptureView, curp: str) -> None:
    view.form.set_answers({**ANSWERS, "curp": curp})
    view.form.editor("curp").focus_widget.setFocus()
    view.form.editor("telefono").focus_widget.setFocus()  # leaving CURP shows its error


def sample_image(path: Path) -> Path:
    image = QImage(640, 820, QImage.Format.Format_RGB32)
    image.fill(QColor("#F4F1EA"))
    for y in range(80, 760, 36):
        for x in range(60, 580):
            image.setPixelColor(x, y, QColor("#9AA3AF"))
    image.save(str(path))
    return path
