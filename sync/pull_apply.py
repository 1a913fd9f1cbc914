"""Applying one pulled change at a time: the reference rules. sync.pull_page applies a page
set-based with the same outcome, and falls back to this, change by change, when a batched write
fails.

Status, official folios and notes belong to the platform: we take them as given. Records of other
windows of the office are inserted once (the answers of an expediente never change locally), and
so are their payments: an expediente paid here first keeps its own; a recibo cancelled at another
window unpays the expediente here too (unless this window has since cashed it). A platform user's
change updates the copy this window caches (sync.user_changes). Times arrive as UTC instants (an
older window's naive ones are read on the office's clock) and are stored as naive UTC.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.records.payments import current_recibo
from localdb.models import Expediente, Recibo, SyncState, Tramite
from localdb.states import ExpedienteStatus
from sync.errors import SyncError
from sync.pull_records import UnusableChange, check_office, parse_record
from sync.user_changes import apply_user_change
from wire.payloads import (
    PaymentPayload,
    ReciboCancelPayload,
    StatusChange,
    UserChange,
)
from wire.protocol import Change
from wire.times import to_utc, utc_now
from wire.validation import spanish_summary

log = logging.getLogger(__name__)


class MissingTramite(SyncError):
    """A record of another window uses a trámite version this machine does not have yet."""

    def __init__(self, homoclave: str, version: int) -> None:
        super().__init__(
            f"Llegó un expediente de otra ventanilla con el trámite {homoclave} versión "
            f"{version}, que este equipo aún no tiene; se reintentará cuando llegue la "
            "configuración."
        )


def parse_status(change: Change) -> StatusChange:
    try:
        return StatusChange.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc


def status_values(change: Change, data: StatusChange, zone: str) -> dict[str, Any]:
    """The columns a status change sets; UnusableChange for a status this app does not know."""
    try:
        status = ExpedienteStatus(data.status)
    except ValueError as exc:  # a status of a newer platform: kept aside until this one knows it
        raise UnusableChange(change, f"estado «{data.status}» desconocido") from exc
    # A platform decision carries no window clock: keep when this window learned of it.
    values: dict[str, Any] = {
        "status": status, "status_note": data.note, "status_by": data.changed_by,
        "status_at": to_utc(data.changed_at, zone) if data.changed_at else utc_now(),
    }
    if data.official_folio is not None:
        values["official_folio"] = data.official_folio
    return values


def parse_payment(change: Change, zone: str) -> dict[str, Any]:
    """The columns a payment sets; UnusableChange when its data is not a payment."""
    try:
        paid = PaymentPayload.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    return {"payment_method": paid.method, "payment_reference": paid.reference,
            "paid_at": to_utc(paid.paid_at, zone), "paid_by": paid.paid_by}


def _apply_status(session: Session, change: Change) -> None:
    data = parse_status(change)
    row = session.get(Expediente, change.entity_uuid)
    if row is None:
        log.info("status change %d for an expediente not on this machine", change.version)
        return
    for key, value in status_values(change, data, office_zone(session)).items():
        setattr(row, key, value)


def _apply_payment(session: Session, change: Change) -> None:
    values = parse_payment(change, office_zone(session))
    row = session.get(Expediente, change.entity_uuid)
    if row is None or row.paid_at is not None:
        log.info("payment change %d skipped: expediente absent or already paid", change.version)
        return
    for key, value in values.items():
        setattr(row, key, value)


def _apply_record(session: Session, change: Change) -> None:
    record, values = parse_record(change, office_zone(session))
    check_office(change, record.folio, session.get_one(SyncState, 1).oficina)
    if session.get(Expediente, record.uuid) is not None:
        return
    if session.scalar(select(Expediente.uuid).where(Expediente.folio == record.folio)):
        log.error("record %s skipped: folio already used by another expediente", record.uuid)
        return
    if session.scalar(select(Tramite.id).where(Tramite.homoclave == record.tramite_homoclave,
                                              Tramite.version == record.tramite_version)) is None:
        raise MissingTramite(record.tramite_homoclave, record.tramite_version)
    session.add(Expediente(**values))
    session.flush()


def _apply_recibo_cancel(session: Session, change: Change) -> None:
    """A recibo cancelled at a window of the office: the expediente is unpaid again here, unless
    this window has since cashed it with a recibo of its own."""
    try:
        cancel = ReciboCancelPayload.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    row = session.get(Expediente, change.entity_uuid)
    if row is None:
        return
    own = session.get(Recibo, cancel.recibo_folio)
    if own is not None and own.cancelled_at is None:  # ours, back from the platform
        own.cancelled_at = to_utc(cancel.cancelled_at, office_zone(session))
        own.cancelled_by, own.cancel_reason = cancel.cancelled_by, cancel.reason
    if current_recibo(session, row.uuid) is None:
        row.payment_method = row.payment_reference = row.paid_by = None
        row.paid_at = None


def _apply_user(session: Session, change: Change) -> None:
    try:
        data = UserChange.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    apply_user_change(session, data)


def apply_change(session: Session, change: Change) -> None:
    if change.kind == "expediente.status":
        _apply_status(session, change)
    elif change.kind == "expediente.payment":
        _apply_payment(session, change)
    elif change.kind == "recibo.cancel":
        _apply_recibo_cancel(session, change)
    elif change.kind == "expediente.record":
        _apply_record(session, change)
    elif change.kind == "user.changed":
        _apply_user(session, change)
    else:
        log.warning("change %s of unknown kind %r skipped (newer platform?)",
                    change.version, change.kind)
