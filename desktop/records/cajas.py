"""Cash sessions (cajas): a window opens a caja with a fondo inicial; payments are cashed in the
open caja; its corte closes it (desktop/records/corte.py). One open caja per window at a time: the
service refuses a second, and a partial unique index on `cajas` holds the rule in the store.

Opening a caja is local only: the platform learns of the caja with its corte (`caja.corte`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.ids import uuid7
from desktop.records.audit import append_audit
from formatting import format_datetime, format_money
from localdb.models import Caja, SyncState
from wire.times import office_time, utc_now

OPEN_ACTION = "caja.abierta"
MAX_FONDO = Decimal("1000000.00")
NO_OPEN_CAJA = ("No hay una caja abierta en esta ventanilla: abra la caja con su fondo inicial "
                "(menú Caja › Abrir caja…, Ctrl+Shift+A) antes de registrar pagos.")


@dataclass(frozen=True)
class CajaInfo:
    """A caja as screens show it: its times on the office's wall clock (ARCHITECTURE §6)."""

    uuid: str
    ventanilla: str
    opened_by: str
    opened_at: datetime
    fondo: Decimal
    closed_at: datetime | None = None
    signed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def describe(self) -> str:
        """One line for the status bar and the dialogs."""
        return (f"Caja abierta por {self.opened_by} el {format_datetime(self.opened_at)} · "
                f"fondo {format_money(self.fondo)}")


def caja_info(row: Caja, zone: str) -> CajaInfo:
    """The stored caja (UTC) as the office in `zone` reads it."""
    return CajaInfo(row.uuid, row.ventanilla, row.opened_by, office_time(row.opened_at, zone),
                    Decimal(row.fondo_centavos) / 100, shown(row.closed_at, zone), row.signed_by)


def open_caja_row(session: Session) -> Caja | None:
    return session.scalars(select(Caja).where(Caja.closed_at.is_(None))).first()


def require_open_caja(session: Session) -> Caja:
    """The caja a payment is cashed in; refused in Spanish when none is open."""
    row = open_caja_row(session)
    if row is None:
        raise VentanillaError(NO_OPEN_CAJA)
    return row


def current_caja(ctx: AppContext) -> CajaInfo | None:
    with ctx.read() as session:
        row = open_caja_row(session)
        return caja_info(row, office_zone(session)) if row is not None else None


def parse_fondo(text: str | Decimal) -> Decimal:
    """A fondo inicial in pesos with at most 2 decimals, from 0 to MAX_FONDO."""
    try:
        value = Decimal(str(text).replace("$", "").replace(",", "").strip() or "x")
    except InvalidOperation:
        raise VentanillaError("Escriba el fondo inicial en pesos, por ejemplo 500.00.") from None
    if not value.is_finite() or value < 0 or value > MAX_FONDO:
        raise VentanillaError(f"El fondo inicial va de $0.00 a {format_money(MAX_FONDO)}.")
    if value != value.quantize(Decimal("0.01")):
        raise VentanillaError("El fondo inicial admite hasta centavos (dos decimales).")
    return value.quantize(Decimal("0.01"))


def open_caja(ctx: AppContext, user: CurrentUser, fondo: str | Decimal) -> CajaInfo:
    """Open this window's caja with `fondo` in cash; refused while another is open."""
    require(user, Permission.OPEN_CAJA)
    amount = parse_fondo(fondo)
    now = utc_now()
    with ctx.write() as session:
        zone = office_zone(session)
        already = open_caja_row(session)
        if already is not None:
            raise VentanillaError(
                f"Ya hay una caja abierta ({caja_info(already, zone).describe()}); haga su corte "
                "antes de abrir otra.")
        state = session.get_one(SyncState, 1)
        row = Caja(uuid=uuid7(), ventanilla=state.ventanilla, opened_by=user.username,
                   opened_at=now, fondo_centavos=int(amount * 100), corte_print_count=0)
        session.add(row)
        session.flush()
        append_audit(session, user.username, OPEN_ACTION, row.uuid, {"fondo": f"{amount:.2f}"})
        return caja_info(row, zone)
