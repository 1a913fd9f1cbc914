"""The supervisor's review at the window: validar an expediente, or devolver it with a note that
says what to correct (ARCHITECTURE §6, §7).

One write transaction moves the status (who and when; a devolución keeps its note), appends the
audit entry and queues an "expediente.review" mutation, like a payment. On a demo office the
review stays on this machine: nothing is queued for a platform. A cancelled folio, one the
platform already decided (rechazado, resuelto) or one of another office cannot be reviewed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.office import office_info
from desktop.records.audit import append_audit
from desktop.records.expedientes import get_expediente
from desktop.records.outbox import queue_mutation
from desktop.states import EnvioState, ExpedienteStatus
from localdb.models import Expediente
from wire.payloads import ReviewDecision, ReviewPayload
from wire.protocol import MutationKind
from wire.times import as_utc, utc_now

REVIEW_KIND: MutationKind = "expediente.review"
REVIEW_ACTIONS: dict[ReviewDecision, str] = {"validado": "expediente.validado",
                                             "devuelto": "expediente.devuelto"}
MIN_NOTE = 5
MAX_NOTE = 2000
# Statuses a review can no longer move, and how the refusal says it.
NOT_REVIEWABLE = {
    ExpedienteStatus.CANCELADO: "está cancelado",
    ExpedienteStatus.RECHAZADO: "ya fue rechazado por la plataforma",
    ExpedienteStatus.RESUELTO: "ya fue resuelto por la dependencia",
}


def _clean_note(decision: ReviewDecision, note: str) -> str:
    cleaned = note.strip()
    if decision == "devuelto" and len(cleaned) < MIN_NOTE:
        raise VentanillaError("Escriba qué debe corregirse para devolver el expediente "
                              f"(al menos {MIN_NOTE} caracteres).")
    if len(cleaned) > MAX_NOTE:
        raise VentanillaError(f"La nota admite hasta {MAX_NOTE} caracteres.")
    return cleaned


def _refuse_unreviewable(session: Session, row: Expediente, decision: ReviewDecision) -> None:
    oficina = office_info(session).oficina
    if not row.folio.startswith(f"{oficina}-"):
        raise VentanillaError(f"El folio {row.folio} no es de la oficina {oficina}; "
                              "no se puede revisar aquí.")
    if row.status in NOT_REVIEWABLE:
        raise VentanillaError(f"El folio {row.folio} {NOT_REVIEWABLE[row.status]}; "
                              "no se puede revisar.")
    if row.status == decision:
        raise VentanillaError(f"El folio {row.folio} ya está {decision}.")


def review_expediente(ctx: AppContext, user: CurrentUser, folio: str,
                      decision: ReviewDecision, note: str = "") -> None:
    """Validate `folio`, or return it (`devuelto`) with a note for the operador."""
    require(user, Permission.REVIEW)
    if decision not in REVIEW_ACTIONS:
        raise ValueError(f"unknown review decision {decision!r}")
    cleaned = _clean_note(decision, note)
    now = utc_now()
    with ctx.write() as session:
        row = get_expediente(session, folio)
        _refuse_unreviewable(session, row, decision)
        row.status, row.status_note = ExpedienteStatus(decision), cleaned or None
        row.status_by, row.status_at = user.username, now
        if row.sync_state == EnvioState.SINCRONIZADO:
            # the review itself still has to reach the platform
            row.sync_state = EnvioState.PENDIENTE
        if row.sync_state != EnvioState.DEMO:  # a demo capture never leaves; nor its review
            review = ReviewPayload(uuid=row.uuid, decision=decision, note=cleaned,
                                   reviewed_by=user.username, reviewed_at=as_utc(now))
            queue_mutation(session, REVIEW_KIND, row.uuid, review, now)
        append_audit(session, user.username, REVIEW_ACTIONS[decision], row.folio,
                     {"nota": cleaned} if cleaned else {})


def validate_expediente(ctx: AppContext, user: CurrentUser, folio: str, note: str = "") -> None:
    review_expediente(ctx, user, folio, "validado", note)


def return_expediente(ctx: AppContext, user: CurrentUser, folio: str, note: str) -> None:
    review_expediente(ctx, user, folio, "devuelto", note)
