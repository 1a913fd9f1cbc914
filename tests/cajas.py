"""Test helper: an open caja, as a window has before its first payment (payments are refused
without one, desktop/records/cajas.py). Tests that register payments open one first."""

from __future__ import annotations

from decimal import Decimal

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.cajas import CajaInfo, current_caja, open_caja

CAJERO = CurrentUser("cajero", "Cajero de pruebas", Role.OPERADOR)


def ensure_open_caja(ctx: AppContext, fondo: Decimal | str = "500.00",
                     user: CurrentUser = CAJERO) -> CajaInfo:
    """The window's open caja; opened with `fondo` when none is."""
    return current_caja(ctx) or open_caja(ctx, user, fondo)
