"""Cierre del día (supervisor): the office's day as this store knows it — its own expedientes and
those pulled from the office's other windows — per window: captures by trámite, cobros by concepto
(payments of that day), cancelled folios, and for this window its pending and rejected envíos and
its cajas still open. It warns, naming the window, when records are unsent or a caja is open; the
window shows the warnings before printing, and the paper repeats them.

The window of an expediente is read from its folio (OFICINA-VENTANILLA-AÑO-NNNNNN). The day is
the office's calendar day: its bounds are the office's midnights in UTC, as instants are stored
(ARCHITECTURE §6), and the paper shows times on the office's wall clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.records.audit import append_audit
from desktop.records.expedientes import SYNC_FILTERS
from formatting import format_datetime
from localdb.models import Caja, Expediente, OutboxEntry, SyncState, Tramite
from localdb.states import EnvioState, ExpedienteStatus, OutboxState
from printing.cierre import CierreData, CierreVentanilla, render_cierre
from wire.times import office_time, to_utc, utc_now

CIERRE_ACTION = "oficina.cierre_del_dia"


@dataclass
class _Window:
    captures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cobros: dict[tuple[str, str], Decimal] = field(
        default_factory=lambda: defaultdict(lambda: Decimal("0")))
    cancelled: list[tuple[str, str]] = field(default_factory=list)


def _ventanilla_of(folio: str, oficina: str) -> str:
    prefix = folio.rsplit("-", 2)[0]
    return prefix[len(oficina) + 1:] if prefix.startswith(f"{oficina}-") else prefix


def _day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The office's day `day` in `zone` as stored instants (naive UTC): [start, end)."""
    return (to_utc(datetime.combine(day, time.min), zone),
            to_utc(datetime.combine(day + timedelta(days=1), time.min), zone))


def _touched_that_day(session: Session, start: datetime,
                      end: datetime) -> list[tuple[Expediente, str]]:
    rows = session.execute(
        select(Expediente, Tramite.nombre).join(Tramite, and_(
            Tramite.homoclave == Expediente.tramite_homoclave,
            Tramite.version == Expediente.tramite_version))
        .where(or_(Expediente.captured_at.between(start, end),
                   Expediente.paid_at.between(start, end),
                   Expediente.status_at.between(start, end)))
        .order_by(Expediente.folio))
    return [(e, n) for e, n in rows.tuples()]


def _collect(rows: list[tuple[Expediente, str]], oficina: str,
             bounds: tuple[datetime, datetime]) -> dict[str, _Window]:
    start, end = bounds
    windows: dict[str, _Window] = defaultdict(_Window)
    for row, tramite in rows:
        window = windows[_ventanilla_of(row.folio, oficina)]
        if start <= row.captured_at < end:
            window.captures[tramite] += 1
        if row.paid_at is not None and start <= row.paid_at < end:
            for line in row.cobros:
                window.cobros[(str(line["concepto"]), str(line["cri"]))] += Decimal(
                    line["importe"])
        if row.status == ExpedienteStatus.CANCELADO:
            window.cancelled.append((row.folio, row.cancel_reason or row.status_note or ""))
    return windows


def _count(session: Session, where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(Expediente).where(where)) or 0


def _own_standing(session: Session, ventanilla: str,
                  zone: str) -> tuple[int, int, list[str]]:
    """This window's pending and rejected envíos (expedientes, and cortes waiting to be sent),
    and its open cajas."""
    pending = _count(session, SYNC_FILTERS[EnvioState.PENDIENTE]())
    pending += session.scalar(select(func.count()).select_from(OutboxEntry).where(
        OutboxEntry.state == OutboxState.PENDING, OutboxEntry.kind == "caja.corte")) or 0
    rejected = _count(session, SYNC_FILTERS[EnvioState.RECHAZADO]())
    open_cajas = [f"abierta por {c.opened_by} el {format_datetime(office_time(c.opened_at, zone))}"
                  for c in session.scalars(select(Caja).where(Caja.closed_at.is_(None),
                                                              Caja.ventanilla == ventanilla))]
    return pending, rejected, open_cajas


def cierre_data(ctx: AppContext, user: CurrentUser, day: date) -> CierreData:
    """The cierre of the office's day `day` as this store knows it; its warnings are what the
    screen shows."""
    require(user, Permission.CIERRE_DIA)
    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        zone = office_zone(session)
        bounds = _day_bounds(day, zone)
        windows = _collect(_touched_that_day(session, *bounds), state.oficina, bounds)
        windows.setdefault(state.ventanilla, _Window())
        pending, rejected, open_cajas = _own_standing(session, state.ventanilla, zone)
        ventanillas = [_summary(name, windows[name], state.ventanilla,
                                (pending, rejected, open_cajas)) for name in sorted(windows)]
        return CierreData(
            municipio=state.municipio, oficina_nombre=state.oficina_nombre or state.oficina,
            day=day, made_at=office_time(utc_now(), zone), made_by=user.username,
            ventanillas=ventanillas, warnings=_warnings(ventanillas), demo=state.demo)


def _summary(name: str, window: _Window, own: str,
             standing: tuple[int, int, list[str]]) -> CierreVentanilla:
    pending, rejected, open_cajas = standing if name == own else (0, 0, [])
    return CierreVentanilla(
        ventanilla=name, captures=sorted(window.captures.items()),
        cobros=[(c, cri, v) for (c, cri), v in sorted(window.cobros.items())],
        cancelled=window.cancelled, pending=pending, rejected=rejected, open_cajas=open_cajas,
        known=name == own)


def _warnings(ventanillas: list[CierreVentanilla]) -> list[str]:
    warnings = []
    for v in ventanillas:
        if v.pending:
            warnings.append(f"Ventanilla {v.ventanilla}: {v.pending} registro(s) sin enviar a la "
                            "plataforma; sincronice antes de cerrar el día.")
        if v.rejected:
            warnings.append(f"Ventanilla {v.ventanilla}: {v.rejected} registro(s) rechazado(s) "
                            "por la plataforma.")
        for caja in v.open_cajas:
            warnings.append(f"Ventanilla {v.ventanilla}: la caja sigue abierta ({caja}); haga su "
                            "corte.")
    return warnings


def save_cierre_pdf(ctx: AppContext, user: CurrentUser, data: CierreData) -> Path:
    """Render the cierre into the data folder's `cierres/` and record it in the audit log."""
    require(user, Permission.CIERRE_DIA)
    folder = ctx.data_dir / "cierres"
    folder.mkdir(mode=0o700, exist_ok=True)
    copies = len(list(folder.glob(f"cierre-{data.day.isoformat()}*.pdf")))
    target = folder / f"cierre-{data.day.isoformat()}{f'-{copies + 1}' if copies else ''}.pdf"
    target.write_bytes(render_cierre(data))
    with ctx.write() as session:
        append_audit(session, user.username, CIERRE_ACTION, data.day.isoformat(),
                     {"avisos": data.warnings})
    return target
