"""The platform's status changes of an expediente: the one rule of which status may follow which,
used by `python -m central set-status` and the console's actions. Every change is written as an
`expediente.status` pull change in the expediente's office, so its windows receive it by pull.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotated_types import MaxLen
from sqlalchemy import select

from central.changes import PendingChange, append_changes
from central.db import Database
from central.models import STATUSES, Expediente
from central.mutations import status_data
from wire.payloads import StatusChange as StatusChangePayload


def _max_length(field: str) -> int:
    """The longest text the windows accept in `field` of an expediente.status change."""
    return next(m.max_length for m in StatusChangePayload.model_fields[field].metadata
                if isinstance(m, MaxLen))

MAX_NOTE = _max_length("note")
MAX_OFFICIAL_FOLIO = _max_length("official_folio")
OPEN = ("recibido", "en_revision", "validado", "devuelto")
# target status → the statuses it may follow; rechazado, resuelto and anulado are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "en_revision": ("recibido", "devuelto"),
    "validado": ("recibido", "en_revision"),
    "devuelto": ("recibido", "en_revision", "validado"),
    "rechazado": OPEN,
    "resuelto": ("recibido", "en_revision", "validado"),
    "anulado": OPEN,
}
STATUS_LABELS = {
    "recibido": "Recibido", "en_revision": "En revisión", "validado": "Validado",
    "devuelto": "Devuelto", "rechazado": "Rechazado", "resuelto": "Resuelto",
    "anulado": "Anulado",
}


class StatusRefused(Exception):
    """The change is not allowed; the message is Spanish and shown as is."""


@dataclass(frozen=True)
class StatusChange:
    folio: str
    status: str
    note: str | None = None
    official_folio: str | None = None


def check_change(current: str, change: StatusChange) -> None:
    """Refuses a transition the rule does not allow, a devolución or rechazo without its note
    and a resolución without the official folio."""
    allowed = TRANSITIONS.get(change.status, ())
    if current not in allowed:
        raise StatusRefused(
            f"El expediente {change.folio} está {STATUS_LABELS[current].lower()}: no puede "
            f"pasar a {STATUS_LABELS[change.status].lower()}."
        )
    if change.status in ("devuelto", "rechazado") and not (change.note or "").strip():
        raise StatusRefused("Indique el motivo: la ventanilla se lo mostrará al solicitante.")
    if change.status == "resuelto" and not (change.official_folio or "").strip():
        raise StatusRefused("Indique el folio oficial de la resolución.")
    # What the windows accept (wire.payloads.StatusChange): more would be set aside at each pull.
    if len((change.note or "").strip()) > MAX_NOTE:
        raise StatusRefused(f"El motivo pasa de {MAX_NOTE} caracteres: resúmalo.")
    if len((change.official_folio or "").strip()) > MAX_OFFICIAL_FOLIO:
        raise StatusRefused(f"El folio oficial pasa de {MAX_OFFICIAL_FOLIO} caracteres.")


def change_status(db: Database, change: StatusChange) -> int:
    """Apply `change`; returns the version of the pull change it wrote."""
    if change.status not in STATUSES:
        raise StatusRefused(f"Estado desconocido {change.status!r}: use {', '.join(STATUSES)}.")
    with db.write() as session:
        row = session.scalars(
            db.for_update(select(Expediente).where(Expediente.folio == change.folio))
        ).one_or_none()
        if row is None:
            raise StatusRefused(f"No hay expediente con folio {change.folio} en la plataforma.")
        check_change(row.status, change)
        # The back office: no window user and no window clock (windows note when they learn it).
        row.status, row.status_by, row.status_at = change.status, None, None
        row.note = change.note.strip() if change.note else row.note
        if change.official_folio:
            row.official_folio = change.official_folio.strip()
        pending = PendingChange("expediente.status", row.uuid, status_data(row))
        return append_changes(session, row.office, [pending])
