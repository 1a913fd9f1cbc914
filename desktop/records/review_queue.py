"""The supervisor's review queue: the office's expedientes (captured here and pulled from the
office's other windows) filtered by state group, ventanilla, operador, dependencia and capture
date, paged and counted in SQL (ARCHITECTURE §6 "The review queue").

Built on the Expedientes list's query (`desktop/records/expedientes.py`: its row, its search and
envío filters, its order) with the queue's own conditions added; each condition is index-friendly
(revision 0010): the state by `(status, captured_at, uuid)`, the operador by
`(created_by, captured_at, uuid)`, the ventanilla as a range of the unique folio index (folios
start `OFICINA-VENTANILLA-`), the dates as a range of `(captured_at, uuid)`. The choices the
filters offer are read the same way: ventanillas and operadores by skipping through an index
(one seek per distinct value), never by reading every row.

The dates are the office's calendar days: their bounds are the office's midnights in UTC, as
`captured_at` is stored, and the rows show the office's wall clock (ARCHITECTURE §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, literal_column, select
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.office import office_info
from desktop.records.expedientes import SORTABLE, ExpedienteRow, _base, _filtered
from desktop.states import REVIEW_GROUPS
from localdb.models import Dependencia, Expediente, Tramite
from wire.times import office_time, to_utc

# The character after "-": every folio of a ventanilla sorts in [prefix-, prefix.).
_AFTER_DASH = chr(ord("-") + 1)


def _walked(column: str) -> ColumnElement[str]:
    """`+column`: the same value, but SQLite will not pick the column's index for it. For a
    condition that matches a large share of the rows (a ventanilla, "Por revisar"), walking the
    page's order index and stopping once the page is full beats gathering every match through
    that index and sorting them all (measured: tests/bench_review_queue.py)."""
    return literal_column(f"+expedientes.{column}", String)


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows. None (or "") on a field: any."""

    group: str | None = None  # a key of desktop.states.REVIEW_GROUPS
    ventanilla: str | None = None  # the window's code, e.g. "V02"
    operador: str | None = None  # the username that captured it
    dependencia: str | None = None  # a dependencia clave
    desde: date | None = None  # capture date (the office's), inclusive
    hasta: date | None = None  # capture date (the office's), inclusive
    search: str = ""
    sync_state: str | None = None  # an envío queue (desktop.records.expedientes.SYNC_FILTERS)


@dataclass(frozen=True)
class QueueRow(ExpedienteRow):
    operador: str = ""

    @property
    def ventanilla(self) -> str:
        """The window that captured it, read off its folio (OFICINA-VENTANILLA-AÑO-NNNNNN)."""
        parts = self.folio.rsplit("-", 3)
        return parts[1] if len(parts) == 4 else ""


@dataclass(frozen=True)
class QueueChoices:
    """What the filters offer: the values present in the store (and the catálogo's dependencias,
    as (clave, nombre))."""

    ventanillas: list[str] = field(default_factory=list)
    operadores: list[str] = field(default_factory=list)
    dependencias: list[tuple[str, str]] = field(default_factory=list)


def _conditions(session: Session, f: QueueFilter, *,
                with_group: bool = True) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if with_group and f.group:
        try:
            statuses = REVIEW_GROUPS[f.group]
        except KeyError:
            raise ValueError(f"unknown review group {f.group!r}") from None
        if len(statuses) == 1:  # one status: its index, already in the page's order
            where.append(Expediente.status == statuses[0])
        else:
            where.append(_walked("status").in_([status.value for status in statuses]))
    if f.ventanilla:
        prefix = f"{office_info(session).oficina}-{f.ventanilla}"
        folio = _walked("folio")
        where += [folio >= f"{prefix}-", folio < prefix + _AFTER_DASH]
    if f.operador:
        where.append(Expediente.created_by == f.operador)
    if f.dependencia:
        where.append(Expediente.tramite_homoclave.in_(
            select(Tramite.homoclave).where(Tramite.dependencia_clave == f.dependencia)))
    if f.desde or f.hasta:
        zone = office_zone(session)
        if f.desde:
            where.append(Expediente.captured_at >= _midnight(f.desde, zone))
        if f.hasta:
            where.append(Expediente.captured_at < _midnight(f.hasta + timedelta(days=1), zone))
    return where


def _midnight(day: date, zone: str) -> datetime:
    """The start of the office's day `day` in `zone`, as `captured_at` is stored (UTC)."""
    return to_utc(datetime.combine(day, time.min), zone)


def _query(session: Session, f: QueueFilter, query: Select[Any], *,
           with_group: bool = True) -> Select[Any]:
    query = _filtered(query, f.search, None, f.sync_state)
    return query.where(*_conditions(session, f, with_group=with_group))


def page_queue(session: Session, f: QueueFilter, offset: int = 0, limit: int = 100,
               order: str = "captured_at", descending: bool = True) -> list[QueueRow]:
    column = SORTABLE.get(order, Expediente.captured_at)
    keys = (column, Expediente.uuid)  # the same tie-break as the Expedientes list
    query = _query(session, f, _base().add_columns(Expediente.created_by)).order_by(
        *(key.desc() if descending else key.asc() for key in keys))
    rows = session.execute(query.offset(offset).limit(limit)).all()
    zone = office_zone(session)  # rows show the office's wall clock
    return [QueueRow(uuid, folio, nombre, curp, tramite, office_time(captured_at, zone),
                     Decimal(centavos) / 100, status, sync_state, shown(paid_at, zone), method,
                     operador)
            for (uuid, folio, nombre, curp, tramite, captured_at, centavos, status, sync_state,
                 paid_at, method, operador) in rows]


def count_queue(session: Session, f: QueueFilter) -> int:
    query = _query(session, f, select(Expediente.uuid)).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def counts_by_state(session: Session, f: QueueFilter) -> dict[str, int]:
    """How many expedientes each state group holds under every filter but the group itself (the
    strip shows them all, whichever is chosen). Every group is present, 0 when empty."""
    query = _query(session, f, select(Expediente.status, func.count()),
                   with_group=False).group_by(Expediente.status)
    per_status = {str(status): int(n) for status, n in session.execute(query).all()}
    return {group: sum(per_status.get(s.value, 0) for s in statuses)
            for group, statuses in REVIEW_GROUPS.items()}


def _distinct(session: Session, column: Any, after: str | None = None) -> str | None:
    """The smallest value of an indexed column past `after` (one index seek)."""
    query = select(func.min(column))
    return session.scalar(query.where(column > after) if after is not None else query)


def queue_choices(session: Session) -> QueueChoices:
    oficina = office_info(session).oficina
    ventanillas: list[str] = []
    folio = _distinct(session, Expediente.folio, f"{oficina}-")
    while folio is not None and folio.startswith(f"{oficina}-"):
        prefix = folio.rsplit("-", 2)[0]  # OFICINA-VENTANILLA
        ventanillas.append(prefix[len(oficina) + 1:])
        folio = _distinct(session, Expediente.folio, prefix + _AFTER_DASH)
    operadores: list[str] = []
    operador = _distinct(session, Expediente.created_by)
    while operador is not None:
        operadores.append(operador)
        operador = _distinct(session, Expediente.created_by, operador)
    dependencias = [(clave, nombre) for clave, nombre in session.execute(
        select(Dependencia.clave, Dependencia.nombre).order_by(Dependencia.nombre))]
    return QueueChoices(ventanillas, operadores, dependencias)


@dataclass(frozen=True)
class QueueCounts:
    total: int
    by_state: dict[str, int]


def read_queue_page(ctx: AppContext, user: CurrentUser, f: QueueFilter, offset: int,
                    limit: int, order: str = "captured_at",
                    descending: bool = True) -> list[QueueRow]:
    """A page of the queue for `user` (who must be allowed to review the queues)."""
    require(user, Permission.REVIEW_QUEUE)
    with ctx.read() as session:
        return page_queue(session, f, offset, limit, order, descending)


def read_queue_counts(ctx: AppContext, user: CurrentUser, f: QueueFilter) -> QueueCounts:
    """The total under `f` and the state strip's counts: asked after the first page, so the
    rows never wait for them."""
    require(user, Permission.REVIEW_QUEUE)
    with ctx.read() as session:
        return QueueCounts(count_queue(session, f), counts_by_state(session, f))


def read_queue_choices(ctx: AppContext, user: CurrentUser) -> QueueChoices:
    require(user, Permission.REVIEW_QUEUE)
    with ctx.read() as session:
        return queue_choices(session)
