"""Pull (ARCHITECTURE §7): pages of changes after our cursor, each applied together with the new
cursor in ONE local transaction, so a crash between pages repeats at most one page, harmlessly.

A change that cannot be applied here never stops the pull: it is set aside (sync.set_aside) with
its reason, the cursor moves on, and every run retries what was set aside before pulling.

Status, official folios and notes belong to the platform: we take them as given. Records of other
windows of the office are inserted once (the answers of an expediente never change locally), and
so are their payments: an expediente paid here first keeps its own; a recibo cancelled at another
window unpays the expediente here too (unless this window has since cashed it). A platform user's
change updates the copy this window caches (sync.user_changes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.records.payments import current_recibo
from localdb.models import Expediente, Recibo, SyncState, Tramite
from localdb.states import EnvioState, ExpedienteStatus
from sync.errors import EpochChanged, GarbageResponse, SyncError
from sync.http import PlatformClient
from sync.set_aside import (
    WAITS_FOR_EARLIER,
    blocked_entities,
    count_set_aside,
    forget_set_aside,
    retry_set_aside,
    set_aside,
    try_apply,
)
from sync.user_changes import apply_user_change
from wire.payloads import (
    ExpedientePayload,
    PaymentPayload,
    ReciboCancelPayload,
    StatusChange,
    UserChange,
)
from wire.protocol import MAX_PULL_LIMIT, Change, PullResponse
from wire.times import to_utc, utc_now
from wire.validation import spanish_summary

log = logging.getLogger(__name__)
PULL_PATH = "/v1/sync/pull"


class UnusableChange(SyncError):
    """A change whose data this machine cannot use (malformed, or from a newer platform)."""

    def __init__(self, change: Change, detail: str) -> None:
        super().__init__(f"El cambio {change.version} ({change.kind}) trae datos que este equipo "
                         f"no puede usar: {detail}")


class MissingTramite(SyncError):
    """A record of another window uses a trámite version this machine does not have yet."""

    def __init__(self, homoclave: str, version: int) -> None:
        super().__init__(
            f"Llegó un expediente de otra ventanilla con el trámite {homoclave} versión "
            f"{version}, que este equipo aún no tiene; se reintentará cuando llegue la "
            "configuración."
        )


@dataclass
class PullOutcome:
    changes: int = 0
    pages: int = 0
    epoch_resets: int = 0
    set_aside: int = 0  # changes waiting aside after this pull


def _apply_status(session: Session, change: Change) -> None:
    try:
        data = StatusChange.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    row = session.get(Expediente, change.entity_uuid)
    if row is None:
        log.info("status change %d for an expediente not on this machine", change.version)
        return
    try:
        status = ExpedienteStatus(data.status)
    except ValueError as exc:  # a status of a newer platform: kept aside until this one knows it
        raise UnusableChange(change, f"estado «{data.status}» desconocido") from exc
    row.status = status
    row.status_note = data.note
    row.status_by = data.changed_by
    # A platform decision carries no window clock: keep when this window learned of it.
    row.status_at = to_utc(data.changed_at, office_zone(session)) if data.changed_at else utc_now()
    if data.official_folio is not None:
        row.official_folio = data.official_folio


def _apply_payment(session: Session, change: Change) -> None:
    try:
        paid = PaymentPayload.model_validate(change.data)
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    row = session.get(Expediente, change.entity_uuid)
    if row is None or row.paid_at is not None:
        log.info("payment change %d skipped: expediente absent or already paid", change.version)
        return
    row.payment_method, row.payment_reference = paid.method, paid.reference
    row.paid_at, row.paid_by = to_utc(paid.paid_at, office_zone(session)), paid.paid_by


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


def _expediente_from(record: ExpedientePayload, zone: str) -> Expediente:
    return Expediente(
        uuid=record.uuid, folio=record.folio, tramite_homoclave=record.tramite_homoclave,
        tramite_version=record.tramite_version, answers=record.answers,
        requisitos=[r.model_dump() for r in record.requisitos],
        cobros=[c.model_dump() for c in record.cobros],
        total_centavos=int((Decimal(record.total) * 100).to_integral_value()),
        nombre=record.nombre, curp=record.curp, rfc=record.rfc, created_by=record.created_by,
        captured_at=to_utc(record.captured_at, zone), origin_machine=record.origin_machine,
        content_sha256=record.content_sha256, status=ExpedienteStatus.CAPTURADO,
        archivo_folio=record.archivo_folio, archivo_fecha=record.archivo_fecha,
        sync_state=EnvioState.SINCRONIZADO,
    )


def _apply_record(session: Session, change: Change) -> None:
    try:
        record = ExpedientePayload.model_validate(change.data)
        row = _expediente_from(record, office_zone(session))
    except ValidationError as exc:
        raise UnusableChange(change, spanish_summary(exc)) from exc
    except (ArithmeticError, ValueError) as exc:
        raise UnusableChange(change, "importe no válido") from exc
    if session.get(Expediente, record.uuid) is not None:
        return
    if session.scalar(select(Expediente.uuid).where(Expediente.folio == record.folio)):
        log.error("record %s skipped: folio already used by another expediente", record.uuid)
        return
    if session.scalar(select(Tramite.id).where(Tramite.homoclave == record.tramite_homoclave,
                                              Tramite.version == record.tramite_version)) is None:
        raise MissingTramite(record.tramite_homoclave, record.tramite_version)
    session.add(row)
    session.flush()


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


def apply_page(session: Session, page: PullResponse, sent_cursor: int,
               sent_epoch: str | None) -> int:
    """Apply one page and save its cursor, inside the caller's transaction; returns #changes.

    If another process moved the cursor meanwhile, the page is dropped (it will be re-read)."""
    state = session.get_one(SyncState, 1)
    if state.pull_cursor != sent_cursor or state.epoch != sent_epoch:
        log.warning("pull cursor moved during the request; page dropped")
        return 0
    blocked = blocked_entities(session)
    for change in page.changes:
        reason = WAITS_FOR_EARLIER if change.entity_uuid in blocked else try_apply(
            session, change, apply_change)
        if reason is not None:
            set_aside(session, change, page.epoch, reason)
            blocked.add(change.entity_uuid)
    state.pull_cursor = page.next_cursor
    state.epoch = page.epoch
    return len(page.changes)


def _reset_cursor(ctx: AppContext, epoch: str | None) -> None:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        log.warning("platform epoch changed (%s -> %s); pull cursor reset", state.epoch, epoch)
        state.pull_cursor = 0
        state.epoch = epoch
        forget_set_aside(session)  # the pull starts over: they will come again


def _fetch(client: PlatformClient, cursor: int, epoch: str | None,
           include_own: bool = False) -> PullResponse:
    params: dict[str, str | int] = {"cursor": cursor, "limit": MAX_PULL_LIMIT}
    if include_own:  # a restored copy getting back what it sent after the copy (sync/restore.py)
        params["include_own"] = "true"
    if epoch:
        params["epoch"] = epoch
    page = client.get_json(PULL_PATH, PullResponse, params=params)
    if page.has_more and page.next_cursor <= cursor:
        raise GarbageResponse(f"pull cursor does not advance ({cursor} -> {page.next_cursor})")
    if epoch and page.epoch != epoch:
        raise EpochChanged(page.epoch)
    return page


def pull_changes(ctx: AppContext, client: PlatformClient, max_pages: int = 1_000,
                 include_own: bool = False) -> PullOutcome:
    """Pull until has_more is false. A 410 resets the cursor ONCE per run (never loops)."""
    outcome = PullOutcome()
    with ctx.write() as session:
        outcome.changes += retry_set_aside(session, apply_change)
    while outcome.pages < max_pages:
        with ctx.write() as session:
            state = session.get_one(SyncState, 1)
            cursor, epoch = state.pull_cursor, state.epoch
        try:
            page = _fetch(client, cursor, epoch, include_own)
        except EpochChanged as exc:
            if outcome.epoch_resets:
                raise
            outcome.epoch_resets += 1
            _reset_cursor(ctx, exc.epoch)
            continue
        with ctx.write() as session:
            outcome.changes += apply_page(session, page, cursor, epoch)
        outcome.pages += 1
        if not page.has_more:
            break
    with ctx.write() as session:
        outcome.set_aside = count_set_aside(session)
    return outcome
