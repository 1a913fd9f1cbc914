"""Errors shown to the user in Spanish, logged in English with the traceback (CONVENTIONS §11).

Dialogs open window-modal with `open()`, never `exec()`, so the event loop (and any save in
flight) keeps running behind them.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import VentanillaError

log = logging.getLogger(__name__)

UNEXPECTED_MESSAGE = (
    "Ocurrió un error inesperado. Lo capturado y guardado hasta ahora está a salvo. "
    "Si el problema se repite, avise a soporte técnico con la hora en que ocurrió."
)


def user_message(exc: BaseException) -> str:
    """What the user reads for this exception: its own Spanish message if it has one."""
    if isinstance(exc, VentanillaError):
        return exc.message
    return UNEXPECTED_MESSAGE


def refusal_text(parent: QWidget | None, exc: BaseException,
                 expected: type[BaseException] = VentanillaError) -> str:
    """What a form says inline about a refused task; an error not `expected` (a bug, or for a
    login anything but a wrong password) also opens the error dialog over `parent`."""
    if not isinstance(exc, expected):
        show_exception(parent, exc)
    return user_message(exc)


def show_error(parent: QWidget | None, message: str, *, title: str = "No se pudo completar",
               details: str | None = None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("Aceptar")
    box.open()
    return box


def show_exception(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Expected errors show their message; unexpected ones are logged with the traceback."""
    if isinstance(exc, VentanillaError):
        log.info("User-facing error: %s", type(exc).__name__)
        return show_error(parent, exc.message)
    log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return show_error(parent, UNEXPECTED_MESSAGE, title="Error inesperado", details=details)


def install_excepthook(parent_provider: Callable[[], QWidget | None]) -> None:
    """Route exceptions escaping Qt slots to the log and an error dialog instead of a crash."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc.__traceback__ = tb
        if QApplication.instance() is None:
            log.error("Unexpected error", exc_info=(exc_type, exc, tb))
            return
        show_exception(parent_provider(), exc)

    sys.excepthook = hook
