"""Read side of expedientes: pages for the lists (sorted and filtered in SQL), lookups by folio
and CURP, and the cancellation a supervisor records."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextClause,
    and_,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.errors import NotFound, VentanillaError
from desktop.records.audit import append_audit
from desktop.records.counts import count_in
from desktop.records.newest_matches import newest_matches
from desktop.records.outbox import queue_mutation
from desktop.records.referencia import (
    candidate_folios,
    looks_like_referencia,
    parse_referencia,
    referencia_problem,
)
from localdb.fts import fts_query
from localdb.models import Expediente, OutboxEntry, Tramite
from localdb.states import EnvioState, ExpedienteStatus, OutboxState
from wire.payloads import VoidPayload
from wire.times import as_utc, office_time, utc_now

PAID_CANNOT_CANCEL = ("El folio {folio} ya está pagado: primero cancele su recibo oficial "
                      "(Cancelar recibo…, con motivo y contraseña de supervisor); después podrá "
                      "cancelar el folio.")

SORTABLE = {"folio": Expediente.folio, "nombre": Expediente.nombre,
            "captured_at": Expediente.captured_at, "total": Expediente.total_centavos,
            "status": Expediente.status}


@dataclass(frozen=True)
class ExpedienteRow:
    uuid: str
    folio: str
    nombre: str
    curp: str | None
    tramite: str
    captured_at: datetime
    total: Decimal
    status: str
    sync_state: str
    paid_at: datetime | None = None  # None: not paid
    payment_method: str | None = None

    @property
    def paid(self) -> bool:
        return self.paid_at is not None


@dataclass(frozen=True)
class ApplicantInfo:
    nombre: str
    curp: str
    rfc: str | None
    answers: dict[str, object]


# The pending mutations' expedientes, read off the partial index over pending mutations alone
# (covering, in uuid order). A bound state cannot prove the index's WHERE, so the planner would
# take ix_outbox_state instead and read every pending row, payload and all: 5 times slower with a
# few thousand waiting at 1M stored.
_PENDING_ENTITIES = text(
    "SELECT entity_uuid FROM outbox INDEXED BY ix_outbox_pending "
    f"WHERE state = '{OutboxState.PENDING.value}'").columns(OutboxEntry.entity_uuid)


def _with_outbox(state: OutboxState) -> ColumnElement[bool]:
    """The expediente has a mutation in this outbox state (a cancellation, a payment…, not only its
    creation)."""
    if state == OutboxState.PENDING:
        return Expediente.uuid.in_(_PENDING_ENTITIES)
    return Expediente.uuid.in_(select(OutboxEntry.entity_uuid).where(OutboxEntry.state == state))


# Where an expediente stands with the platform, for the supervisor's queues.
# Keyed by the envío state each queue is named after (labels: desktop.states.ENVIO_QUEUE_LABELS).
SYNC_FILTERS: dict[EnvioState, Callable[[], ColumnElement[bool]]] = {
    # faltan_anexos: the platform has the data but has not confirmed every scan yet.
    # Equalities, not IN: each reads the partial ix_expedientes_sync_state (localdb/models.py).
    EnvioState.PENDIENTE: lambda: or_(
        Expediente.sync_state == EnvioState.PENDIENTE,
        Expediente.sync_state == EnvioState.FALTAN_ANEXOS, _with_outbox(OutboxState.PENDING)),
    EnvioState.RECHAZADO: lambda: or_(Expediente.sync_state == EnvioState.RECHAZADO,
                                      _with_outbox(OutboxState.REJECTED)),
    EnvioState.SINCRONIZADO: lambda: and_(Expediente.sync_state == EnvioState.SINCRONIZADO,
                                          ~_with_outbox(OutboxState.PENDING),
                                          ~_with_outbox(OutboxState.REJECTED)),
    EnvioState.DEMO: lambda: Expediente.sync_state == EnvioState.DEMO,
}


def _filtered(query: Select[Any], search: str, status: str | None,
              sync_state: str | None = None) -> Select[Any]:
    if looks_like_referencia(search):  # a scanned or typed línea de captura: its folio
        body = None if referencia_problem(search) else parse_referencia(search)
        query = query.where(Expediente.folio.in_(candidate_folios(body)) if body else false())
    elif search.strip():
        words = fts_query(search)  # empty for text with no word in it (only quotes): no match
        match = text("expedientes.rowid IN (SELECT rowid FROM expedientes_fts "
                     "WHERE expedientes_fts MATCH :q)").bindparams(q=words)
        query = query.where(match if words else false())
    if status:
        query = query.where(Expediente.status == status)
    if sync_state:
        try:
            queue = SYNC_FILTERS[EnvioState(sync_state)]
        except (ValueError, KeyError):
            raise ValueError(f"unknown sync_state filter {sync_state!r}") from None
        query = query.where(queue())
    return query


def _fts_search(search: str) -> bool:
    """A search the FTS index answers: text that is not a línea de captura (those find a folio)."""
    return bool(fts_query(search)) and not looks_like_referencia(search)


# Only what a list row shows: the answers, requisitos and cobros JSON stay on disk.
_ROW_COLUMNS = (Expediente.uuid, Expediente.folio, Expediente.nombre, Expediente.curp,
                Tramite.nombre, Expediente.captured_at, Expediente.total_centavos,
                Expediente.status, Expediente.sync_state, Expediente.paid_at,
                Expediente.payment_method)


def _base() -> Select[Any]:
    return select(*_ROW_COLUMNS).join(
        Tramite, (Tramite.homoclave == Expediente.tramite_homoclave)
        & (Tramite.version == Expediente.tramite_version))


def count_expedientes(session: Session, search: str = "", status: str | None = None,
                      sync_state: str | None = None) -> int:
    """How many match: from the store's counters when there is no search (localdb/counters.py),
    from the FTS index alone for a bare search, else by counting the matching rows."""
    status, sync_state = status or None, sync_state or None  # "": no filter, as in the pages
    if not search.strip():
        return _counted(session, status, sync_state)
    if status is None and sync_state is None and _fts_search(search):
        return session.scalar(text("SELECT count(*) FROM expedientes_fts WHERE expedientes_fts "
                                   "MATCH :q").bindparams(q=fts_query(search))) or 0
    query = _filtered(select(Expediente.uuid), search, status, sync_state).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def _count_rows(session: Session, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(Expediente).where(*where)) or 0


def _counted(session: Session, status: str | None, sync_state: str | None) -> int:
    """The counters, plus or minus the few expedientes an envío queue takes in or leaves out
    because of their outbox mutations (found through the outbox's small pending/rejected rows)."""
    statuses = None if status is None else (status,)
    narrowed = () if status is None else (Expediente.status == status,)
    if sync_state is None:
        return count_in(session, statuses)
    try:
        queue = EnvioState(sync_state)
        SYNC_FILTERS[queue]
    except (ValueError, KeyError):
        raise ValueError(f"unknown sync_state filter {sync_state!r}") from None
    if queue == EnvioState.PENDIENTE:
        own = (EnvioState.PENDIENTE, EnvioState.FALTAN_ANEXOS)
        return count_in(session, statuses, own) + _count_rows(
            session, *narrowed, Expediente.sync_state.not_in(own),
            _with_outbox(OutboxState.PENDING))
    if queue == EnvioState.RECHAZADO:
        return count_in(session, statuses, (EnvioState.RECHAZADO,)) + _count_rows(
            session, *narrowed, Expediente.sync_state != EnvioState.RECHAZADO,
            _with_outbox(OutboxState.REJECTED))
    if queue == EnvioState.SINCRONIZADO:
        return count_in(session, statuses, (EnvioState.SINCRONIZADO,)) - _count_rows(
            session, *narrowed, Expediente.sync_state == EnvioState.SINCRONIZADO,
            or_(_with_outbox(OutboxState.PENDING), _with_outbox(OutboxState.REJECTED)))
    return count_in(session, statuses, (queue,))


_ROWID: ColumnElement[int] = literal_column("expedientes.rowid", Integer)


def _in_rowids(rowids: list[int]) -> TextClause:
    return text("expedientes.rowid IN (SELECT value FROM json_each(:ids))").bindparams(
        ids=json.dumps(rowids))


def page_expedientes(session: Session, search: str = "", offset: int = 0, limit: int = 200,
                     order: str = "captured_at", descending: bool = True,
                     status: str | None = None,
                     sync_state: str | None = None) -> list[ExpedienteRow]:
    column = SORTABLE.get(order, Expediente.captured_at)
    # The uuid tie-break runs the same way as the column, so (captured_at, uuid) is one index scan.
    keys = (column, Expediente.uuid)
    ordered = [key.desc() if descending else key.asc() for key in keys]
    # The page's rowids first, then only its rows: the filter and the sort read indexes, not
    # every candidate row whole (a queue of thousands of pendientes at 1M stored).
    query = _filtered(select(_ROWID).select_from(Expediente), search, status, sync_state)
    if _fts_search(search) and column is Expediente.captured_at and descending and not (
            status or sync_state):
        # The newest matches first: read off the FTS index in rowid order, stopping early.
        rowids = newest_matches(session, fts_query(search), offset + limit)
        if rowids is not None:
            query = select(_ROWID).select_from(Expediente).where(_in_rowids(rowids))
    page = list(session.scalars(query.order_by(*ordered).offset(offset).limit(limit)))
    rows = session.execute(_base().where(_in_rowids(page)).order_by(*ordered)).all()
    zone = office_zone(session)  # rows show the office's wall clock
    return [ExpedienteRow(uuid, folio, nombre, curp, tramite, office_time(captured_at, zone),
                          Decimal(centavos) / 100, status_, sync_state, shown(paid_at, zone),
                          method)
            for (uuid, folio, nombre, curp, tramite, captured_at, centavos, status_, sync_state,
                 paid_at, method) in rows]


def count_returned(session: Session, username: str) -> int:
    """How many expedientes `username` captured are devueltos, waiting for their correction."""
    query = select(func.count()).select_from(Expediente).where(
        Expediente.created_by == username, Expediente.status == ExpedienteStatus.DEVUELTO)
    return session.scalar(query) or 0


def get_expediente(session: Session, folio: str) -> Expediente:
    row = session.scalars(select(Expediente).where(Expediente.folio == folio.strip())).first()
    if row is None:
        raise NotFound(f"No existe el folio {folio} en este equipo.")
    return row


def find_applicant_by_curp(session: Session, curp: str) -> ApplicantInfo | None:
    """The most recent expediente of this CURP, to offer filling the applicant's data. Found
    through the FTS index's curp column (a CURP is one token; revision 0016 dropped the B-tree
    index that duplicated it), then compared exactly."""
    wanted = curp.strip().upper()
    if not wanted.isalnum() or not wanted.isascii():  # a stored CURP never is: no match
        return None
    in_fts = text("expedientes.rowid IN (SELECT rowid FROM expedientes_fts "
                  "WHERE expedientes_fts MATCH :q)").bindparams(q=f'curp : "{wanted}"')
    row = session.scalars(select(Expediente).where(in_fts, Expediente.curp == wanted)
                          .order_by(Expediente.captured_at.desc()).limit(1)).first()
    if row is None:
        return None
    return ApplicantInfo(row.nombre, row.curp or "", row.rfc, dict(row.answers))


def require_cancel_reason(reason: str) -> None:
    if len(reason.strip()) < 5:
        raise VentanillaError("Escriba el motivo de la cancelación (al menos 5 caracteres).")


def cancel_folio(ctx: AppContext, user: CurrentUser, folio: str, reason: str) -> None:
    """Cancel a folio with a reason: a cancellation event, never a deletion."""
    require(user, Permission.CANCEL_FOLIO)
    require_cancel_reason(reason)
    now = utc_now()
    with ctx.write() as session:
        row = get_expediente(session, folio)
        if row.status == ExpedienteStatus.CANCELADO:
            raise VentanillaError(f"El folio {folio} ya estaba cancelado.")
        if row.paid_at is not None:
            raise VentanillaError(PAID_CANNOT_CANCEL.format(folio=row.folio))
        row.status, row.cancel_reason = ExpedienteStatus.CANCELADO, reason.strip()
        if row.sync_state == EnvioState.SINCRONIZADO:
            # the cancellation itself still has to reach the platform
            row.sync_state = EnvioState.PENDIENTE
        if row.sync_state != EnvioState.DEMO:  # a demo capture never leaves, nor its cancellation
            mutation = VoidPayload(uuid=row.uuid, reason=reason.strip(), voided_by=user.username,
                                   voided_at=as_utc(now))
            queue_mutation(session, "expediente.void", row.uuid, mutation, now)
        append_audit(session, user.username, "expediente.anulado", folio,
                     {"reason": reason.strip()})
