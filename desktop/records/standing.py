"""Where one expediente stands, for its detail: whether it was back-captured from a paper archive
(the paper's folio and date), whether it was cancelled (the reason, who and
when, from the cancellation's audit entry) and what the platform refused of it (the outbox rows it
rejected, with the reason it gave)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import office_zone, shown
from desktop.records.audit import entry_instant
from desktop.records.expedientes import get_expediente
from formatting import format_archivo_origen
from localdb.models import AuditEntry, Expediente, OutboxEntry, User
from localdb.states import EnvioState, ExpedienteStatus, OutboxState
from wire.times import office_time

CANCEL_AUDIT_ACTION = "expediente.anulado"  # what cancel_folio writes to the audit log


@dataclass(frozen=True)
class Cancellation:
    """A cancelled folio. `by`/`at` are None when the cancellation came from the platform (no local
    audit entry); `by` is the user's full name when this machine knows it."""

    reason: str | None
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Rejection:
    """A mutation of this expediente the platform refused: its kind and the platform's reason."""

    kind: str
    reason: str | None


# Statuses whose note, author and moment the detail shows (set by a review or by the platform).
DECIDED_STATUSES = (ExpedienteStatus.VALIDADO, ExpedienteStatus.DEVUELTO,
                    ExpedienteStatus.RECHAZADO, ExpedienteStatus.RESUELTO)


@dataclass(frozen=True)
class StatusRecord:
    """Where the review or the platform left the expediente. `by` is the reviewer's full name when
    this machine knows it, None for the platform's back office; `at` None on older records."""

    status: str
    note: str | None
    by: str | None
    at: datetime | None
    official_folio: str | None


@dataclass(frozen=True)
class ExpedienteStanding:
    folio: str
    status: str
    sync_state: str
    cancellation: Cancellation | None
    rejections: tuple[Rejection, ...]
    decision: StatusRecord | None = None
    # "Captura de archivo — folio original X del dd/mm/aaaa" for a back-captured expediente.
    archivo: str | None = None

    @property
    def rejected(self) -> bool:
        return self.sync_state == EnvioState.RECHAZADO or bool(self.rejections)


def _cancellation(session: Session, folio: str, reason: str | None) -> Cancellation:
    entry = session.scalars(select(AuditEntry)
                            .where(AuditEntry.action == CANCEL_AUDIT_ACTION,
                                   AuditEntry.entity == folio)
                            .order_by(AuditEntry.id.desc()).limit(1)).first()
    if entry is None:
        return Cancellation(reason)
    full_name = session.scalar(select(User.full_name).where(User.username == entry.actor))
    logged = entry.detail.get("reason") if isinstance(entry.detail, dict) else None
    return Cancellation(reason or logged, full_name or entry.actor,
                        office_time(entry_instant(session, entry), office_zone(session)))


def expediente_standing(session: Session, folio: str) -> ExpedienteStanding:
    row = get_expediente(session, folio)
    cancellation = None
    if row.status == ExpedienteStatus.CANCELADO or row.cancel_reason:
        # A cancellation from the platform arrives as a status change; its note is the reason.
        cancellation = _cancellation(session, row.folio, row.cancel_reason or row.status_note)
    rejected = session.execute(
        select(OutboxEntry.kind, OutboxEntry.last_error)
        .where(OutboxEntry.entity_uuid == row.uuid, OutboxEntry.state == OutboxState.REJECTED)
        .order_by(OutboxEntry.mutation_id.desc())).all()
    return ExpedienteStanding(row.folio, row.status, row.sync_state, cancellation,
                              tuple(Rejection(kind, error) for kind, error in rejected),
                              _decision(session, row), _archivo(row))


def _archivo(row: Expediente) -> str | None:
    if row.archivo_folio is None or row.archivo_fecha is None:
        return None
    return format_archivo_origen(row.archivo_folio, row.archivo_fecha)


def _decision(session: Session, row: Expediente) -> StatusRecord | None:
    if row.status not in DECIDED_STATUSES:
        return None
    full_name = row.status_by and session.scalar(
        select(User.full_name).where(User.username == row.status_by))
    return StatusRecord(row.status, row.status_note, full_name or row.status_by,
                        shown(row.status_at, office_zone(session)), row.official_folio)
