"""Moving a borrador pinned to an older trámite version to the version in force (ARCHITECTURE §8).

`plan_move` says what would carry over — answers whose campo still exists and whose value is
still valid there, requisitos still asked, anexos still wanted — and lists everything else, so
the operador reads it before anything changes; `move_draft` does it in one transaction (the
borrador is re-pinned, the rest dropped, an audit entry written). Its fees are then computed
wholly under the new version, with the UMA in force (`desktop.bundles.uma`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import TramiteDef
from desktop.capture.validation import validate_field
from desktop.context import AppContext
from desktop.errors import NotFound, VentanillaError
from desktop.records.audit import append_audit
from localdb.models import Draft
from wire.times import utc_now

GONE = "el campo ya no existe en la versión vigente"


@dataclass(frozen=True)
class DroppedAnswer:
    clave: str
    etiqueta: str
    value: str
    reason: str


@dataclass(frozen=True)
class DraftMovePlan:
    uuid: str
    homoclave: str
    nombre: str
    from_version: int
    to_version: int
    answers: dict[str, Any]  # what carries over
    dropped: list[DroppedAnswer]
    requisitos_dropped: list[str]  # claves of requisitos the new version no longer asks
    anexos_dropped: list[str]  # file names attached to campos that no longer exist

    @property
    def loses_nothing(self) -> bool:
        return not (self.dropped or self.requisitos_dropped or self.anexos_dropped)


def newer_version(session: Session, homoclave: str, version: int) -> int | None:
    """The version in force of `homoclave` when a borrador on `version` is behind it; None when
    it is current, or when the trámite is no longer in force (nothing to move it to)."""
    try:
        active = get_tramite(session, homoclave, None)
    except NotFound:
        return None
    return active.version if active.version != version else None


def _carry(old: TramiteDef, new: TramiteDef, answers: dict[str, Any],
           patron: str) -> tuple[dict[str, Any], list[DroppedAnswer]]:
    labels = {c.clave: c.etiqueta for c in old.campos}
    campos = {c.clave: c for c in new.campos}
    carried: dict[str, Any] = {}
    dropped: list[DroppedAnswer] = []
    for clave, value in answers.items():
        if value is None or value == "":
            continue
        campo = campos.get(clave)
        if campo is None:
            dropped.append(DroppedAnswer(clave, labels.get(clave, clave), str(value), GONE))
            continue
        check = validate_field(campo, value, clave_catastral_patron=patron)
        if check.error is not None:
            dropped.append(DroppedAnswer(clave, campo.etiqueta, str(value), check.error))
        else:
            carried[clave] = value
    return carried, dropped


def _plan(session: Session, row: Draft) -> DraftMovePlan:
    to_version = newer_version(session, row.tramite_homoclave, row.tramite_version)
    if to_version is None:
        raise VentanillaError("Este borrador ya está en la versión vigente del trámite, o el "
                              "trámite ya no está vigente: no hay versión a la cual pasarlo.")
    old = get_tramite(session, row.tramite_homoclave, row.tramite_version)
    new = get_tramite(session, row.tramite_homoclave, to_version)
    patron = current_bundle(session).clave_catastral_patron
    answers, dropped = _carry(old, new, dict(row.answers), patron)
    archivo = {c.clave for c in new.campos if c.tipo == "archivo"}
    requisitos = {r.clave for r in new.requisitos}
    return DraftMovePlan(
        uuid=row.uuid, homoclave=new.homoclave, nombre=new.nombre,
        from_version=row.tramite_version, to_version=to_version, answers=answers,
        dropped=dropped,
        requisitos_dropped=[r["clave"] for r in row.requisitos if r["clave"] not in requisitos],
        anexos_dropped=[f["filename"] for f in row.attachments
                        if f.get("campo") and f["campo"] not in archivo],
    )


def _draft_row(session: Session, uuid: str) -> Draft:
    row = session.get(Draft, uuid)
    if row is None:
        raise NotFound("El borrador ya no existe; tal vez se capturó o se eliminó.")
    return row


def plan_move(ctx: AppContext, user: CurrentUser, uuid: str) -> DraftMovePlan:
    require(user, Permission.CAPTURE)
    with ctx.read() as session:
        return _plan(session, _draft_row(session, uuid))


def move_draft(ctx: AppContext, user: CurrentUser, plan: DraftMovePlan) -> DraftMovePlan:
    """Re-pin the borrador to the version in force, as planned; refused if the borrador or the
    catálogo changed since the plan was shown (the operador must read the new plan)."""
    require(user, Permission.CAPTURE)
    with ctx.write() as session:
        row = _draft_row(session, plan.uuid)
        fresh = _plan(session, row)
        if fresh != plan:
            raise VentanillaError("El borrador o el catálogo cambiaron mientras revisaba; "
                                  "vuelva a abrir el borrador para ver qué datos se conservan.")
        kept = set(plan.requisitos_dropped)
        row.tramite_version, row.answers = plan.to_version, dict(plan.answers)
        row.updated_at = utc_now()
        row.requisitos = [r for r in row.requisitos if r["clave"] not in kept]
        row.attachments = [f for f in row.attachments
                           if f["filename"] not in plan.anexos_dropped or not f.get("campo")]
        append_audit(session, user.username, "borrador.version", f"borrador:{plan.uuid}",
                     {"homoclave": plan.homoclave, "from": plan.from_version,
                      "to": plan.to_version, "dropped": [d.clave for d in plan.dropped]})
    return plan
