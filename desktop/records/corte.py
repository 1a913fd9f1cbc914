"""Corte de caja: the operador counts the cash by denomination, the window compares it with what
is expected (fondo + efectivo of the caja's recibos not cancelled), a supervisor signs off with
their password (desktop/records/reauth.py), and the caja closes.

One transaction closes the caja, writes an audit entry and queues a "caja.corte" mutation with
the whole corte (ARCHITECTURE §6, §7). A corte is never edited; its PDF can be printed again,
marked "REIMPRESIÓN n".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.cajas import NO_OPEN_CAJA, open_caja_row
from desktop.records.outbox import queue_mutation
from formatting.payment_methods import PAYMENT_METHODS
from localdb.models import Caja, Expediente, Recibo, SyncState
from printing.corte import CorteData, CorteReciboLine, render_corte
from wire.payloads import CortePayload, CorteRecibo
from wire.times import as_utc, office_time, utc_now

CORTE_ACTION = "caja.corte"
REPRINT_ACTION = "caja.corte_reimpreso"
MAX_PIECES = 100_000


@dataclass(frozen=True)
class Denomination:
    key: str
    label: str
    value: Decimal


def _denominations() -> tuple[Denomination, ...]:
    billetes = [Denomination(f"billete_{v}", f"Billete de ${v}", Decimal(v))
                for v in ("1000", "500", "200", "100", "50", "20")]
    monedas = [Denomination(f"moneda_{v}", f"Moneda de ${v}", Decimal(v))
               for v in ("20", "10", "5", "2", "1", "0.50")]
    return (*billetes, *monedas)


# MXN in circulation, largest first: billetes, then monedas.
DENOMINATIONS = _denominations()
_BY_KEY = {d.key: d for d in DENOMINATIONS}


def counted_total(counts: Mapping[str, int]) -> Decimal:
    """The cash counted: pieces × value of each denomination, in centavos exactly."""
    total = Decimal("0.00")
    for key, pieces in counts.items():
        if key not in _BY_KEY:
            raise VentanillaError(f"Denominación desconocida «{key}».")
        if not 0 <= pieces <= MAX_PIECES:
            raise VentanillaError(f"Escriba entre 0 y {MAX_PIECES} piezas de "
                                  f"{_BY_KEY[key].label.lower()}.")
        total += _BY_KEY[key].value * pieces
    return total.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CorteState:
    """What the corte dialog shows before the count: the open caja (opened on the office's wall
    clock) and what it should hold."""

    caja_uuid: str
    opened_by: str
    opened_at: datetime
    fondo: Decimal
    efectivo: Decimal  # efectivo of the recibos not cancelled
    recibos: int
    cancelled: int

    @property
    def expected(self) -> Decimal:
        return self.fondo + self.efectivo


def _cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def _recibos_of(session: Session, caja_uuid: str) -> list[tuple[Recibo, Expediente]]:
    rows = session.execute(
        select(Recibo, Expediente).join(Expediente, Expediente.uuid == Recibo.expediente_uuid)
        .where(Recibo.caja_uuid == caja_uuid).order_by(Recibo.folio))
    return [(r, e) for r, e in rows.tuples()]


def _efectivo(recibos: list[tuple[Recibo, Expediente]]) -> Decimal:
    return sum((_cents(r.amount_centavos) for r, _e in recibos
                if r.cancelled_at is None and r.method == "efectivo"), Decimal("0.00"))


def corte_state(ctx: AppContext) -> CorteState:
    """The open caja as the corte will judge it; refused when no caja is open."""
    with ctx.read() as session:
        caja = open_caja_row(session)
        if caja is None:
            raise VentanillaError(NO_OPEN_CAJA)
        recibos = _recibos_of(session, caja.uuid)
        cancelled = sum(1 for r, _e in recibos if r.cancelled_at is not None)
        opened_at = office_time(caja.opened_at, office_zone(session))
        return CorteState(caja.uuid, caja.opened_by, opened_at, _cents(caja.fondo_centavos),
                          _efectivo(recibos), len(recibos) - cancelled, cancelled)


def close_caja(ctx: AppContext, user: CurrentUser, counts: Mapping[str, int],
               supervisor: CurrentUser) -> str:
    """Close the open caja with the operador's count, signed by `supervisor` (whose password the
    caller has checked). Returns the caja's uuid."""
    require(user, Permission.COUNT_CORTE)
    require(supervisor, Permission.SIGN_CORTE)
    counted = counted_total(counts)
    now = utc_now()
    with ctx.write() as session:
        caja = open_caja_row(session)
        if caja is None:
            raise VentanillaError(NO_OPEN_CAJA)
        recibos = _recibos_of(session, caja.uuid)
        expected = _cents(caja.fondo_centavos) + _efectivo(recibos)
        caja.closed_at, caja.counted_by, caja.signed_by = now, user.username, supervisor.username
        caja.expected_centavos = int(expected * 100)
        caja.counted_centavos = int(counted * 100)
        caja.denominations = {k: int(v) for k, v in counts.items() if v}
        state = session.get_one(SyncState, 1)
        if not state.demo:
            queue_mutation(session, "caja.corte", caja.uuid,
                           _payload(state, caja, recibos), now)
        append_audit(session, user.username, CORTE_ACTION, caja.uuid, {
            "esperado": f"{expected:.2f}", "contado": f"{counted:.2f}",
            "diferencia": f"{counted - expected:.2f}", "firma": supervisor.username})
        return caja.uuid


def _payload(state: SyncState, caja: Caja,
             recibos: list[tuple[Recibo, Expediente]]) -> CortePayload:
    expected, counted = _cents(caja.expected_centavos or 0), _cents(caja.counted_centavos or 0)
    assert caja.closed_at is not None and caja.counted_by and caja.signed_by
    return CortePayload(
        uuid=caja.uuid, oficina=state.oficina, ventanilla=state.ventanilla,
        opened_by=caja.opened_by, opened_at=as_utc(caja.opened_at),
        closed_at=as_utc(caja.closed_at),
        fondo=f"{_cents(caja.fondo_centavos):.2f}", expected=f"{expected:.2f}",
        counted=f"{counted:.2f}", difference=f"{counted - expected:.2f}",
        denominations=dict(caja.denominations or {}),
        recibos=[CorteRecibo(folio=r.folio, expediente_uuid=e.uuid, method=r.method,
                             amount=f"{_cents(r.amount_centavos):.2f}",
                             cancelled=r.cancelled_at is not None, cancel_reason=r.cancel_reason)
                 for r, e in recibos],
        counted_by=caja.counted_by, signed_by=caja.signed_by)


@dataclass(frozen=True)
class CorteSummary:
    """A closed caja, as the window lists it for a reprint (office's wall clock)."""

    caja_uuid: str
    opened_at: datetime
    closed_at: datetime
    signed_by: str
    difference: Decimal


def closed_cajas(ctx: AppContext, limit: int = 50) -> list[CorteSummary]:
    with ctx.read() as session:
        rows = session.scalars(select(Caja).where(Caja.closed_at.is_not(None))
                               .order_by(Caja.closed_at.desc()).limit(limit))
        zone = office_zone(session)
        return [CorteSummary(c.uuid, office_time(c.opened_at, zone),
                             office_time(c.closed_at, zone), c.signed_by or "",
                             _cents((c.counted_centavos or 0) - (c.expected_centavos or 0)))
                for c in rows if c.closed_at is not None]


def corte_document(ctx: AppContext, user: CurrentUser, caja_uuid: str) -> bytes:
    """The corte's PDF; the first is the original, later ones say REIMPRESIÓN n."""
    require(user, Permission.COUNT_CORTE)
    with ctx.write() as session:
        caja = session.get(Caja, caja_uuid)
        if caja is None or caja.closed_at is None:
            raise VentanillaError("Esa caja no tiene corte todavía.")
        data = _corte_data(session, caja, caja.corte_print_count)
        caja.corte_print_count += 1
        if data.reprint_number:
            append_audit(session, user.username, REPRINT_ACTION, caja.uuid,
                         {"reimpresion": data.reprint_number})
    return render_corte(data)


def save_corte_pdf(ctx: AppContext, user: CurrentUser, caja_uuid: str) -> Path:
    """Render the corte (original or REIMPRESIÓN n) into the data folder's `cortes/`."""
    pdf = corte_document(ctx, user, caja_uuid)
    folder = ctx.data_dir / "cortes"
    folder.mkdir(mode=0o700, exist_ok=True)
    copies = len(list(folder.glob(f"corte-{caja_uuid}*.pdf")))
    target = folder / (f"corte-{caja_uuid}.pdf" if copies == 0
                       else f"corte-{caja_uuid}-reimpresion-{copies}.pdf")
    target.write_bytes(pdf)
    return target


def reprint_last_corte(ctx: AppContext, user: CurrentUser) -> Path:
    """The latest corte of this window again (a REIMPRESIÓN once it was printed)."""
    latest = closed_cajas(ctx, limit=1)
    if not latest:
        raise VentanillaError("Esta ventanilla todavía no tiene cortes de caja.")
    return save_corte_pdf(ctx, user, latest[0].caja_uuid)


def _corte_data(session: Session, caja: Caja, reprint: int) -> CorteData:
    state = session.get_one(SyncState, 1)
    recibos = _recibos_of(session, caja.uuid)
    live = [(r, e) for r, e in recibos if r.cancelled_at is None]
    by_method: dict[str, Decimal] = {}
    by_concepto: dict[tuple[str, str], Decimal] = {}
    for recibo, expediente in live:
        label = PAYMENT_METHODS.get(recibo.method, recibo.method)
        by_method[label] = by_method.get(label, Decimal("0")) + _cents(recibo.amount_centavos)
        for line in expediente.cobros:
            key = (str(line["concepto"]), str(line["cri"]))
            by_concepto[key] = by_concepto.get(key, Decimal("0")) + Decimal(line["importe"])
    counts = caja.denominations or {}
    assert caja.closed_at is not None
    zone = office_zone(session)  # the paper shows the office's wall clock
    return CorteData(
        municipio=state.municipio, oficina_nombre=state.oficina_nombre or state.oficina,
        ventanilla=state.ventanilla, caja_uuid=caja.uuid, opened_by=caja.opened_by,
        opened_at=office_time(caja.opened_at, zone), closed_at=office_time(caja.closed_at, zone),
        fondo=_cents(caja.fondo_centavos),
        expected=_cents(caja.expected_centavos or 0), counted=_cents(caja.counted_centavos or 0),
        counted_by=caja.counted_by or "", signed_by=caja.signed_by or "",
        recibos=[CorteReciboLine(r.folio, e.folio, office_time(r.issued_at, zone),
                                 PAYMENT_METHODS.get(r.method, r.method),
                                 _cents(r.amount_centavos), r.cancel_reason)
                 for r, e in recibos],
        by_method=sorted(by_method.items()),
        by_concepto=[(c, cri, v) for (c, cri), v in sorted(by_concepto.items())],
        counts=[(d.label, int(counts.get(d.key, 0)), d.value * int(counts.get(d.key, 0)))
                for d in DENOMINATIONS if counts.get(d.key)],
        reprint_number=reprint, demo=state.demo)
