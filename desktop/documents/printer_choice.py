"""Choosing this window's default printer: an IPP address or a CUPS queue this machine knows.

With a default printer the window prints without a dialog (ARCHITECTURE §9); a name that no printer
answers to is refused here, when it is typed, instead of at 8 a.m. with a citizen waiting.
"""

from __future__ import annotations

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.documents.service import default_printer, set_default_printer
from desktop.errors import VentanillaError
from printing.printers import is_ipp_uri, list_printers


def check_printer_name(name: str) -> str:
    """The name, stripped, if an IPP address or a CUPS queue; otherwise a Spanish error."""
    name = name.strip()
    if is_ipp_uri(name):
        return name
    queues = list_printers()
    if name in queues:
        return name
    known = ", ".join(queues) if queues else "ninguna (¿está instalado y en marcha CUPS?)"
    raise VentanillaError(
        f"No hay una impresora «{name}» en este equipo. Impresoras de CUPS disponibles: {known}. "
        "También puede indicar una dirección ipp://equipo:puerto/ruta."
    )


def printer_command(ctx: AppContext, user: CurrentUser | None, name: str | None,
                    clear: bool) -> tuple[int, str]:
    """`main.py printer [NAME | --clear]`: (exit code, Spanish message)."""
    if user is None:  # only showing
        current = default_printer(ctx)
        return 0, (f"Impresora predeterminada: {current}" if current else
                   "Sin impresora predeterminada: la ventana pregunta con el diálogo del sistema.")
    if clear:
        set_default_printer(ctx, user, "")
        return 0, "Se quitó la impresora predeterminada: la ventana preguntará al imprimir."
    chosen = check_printer_name(name or "")
    set_default_printer(ctx, user, chosen)
    return 0, f"Impresora predeterminada: {chosen}. Los documentos se imprimirán sin diálogo."
