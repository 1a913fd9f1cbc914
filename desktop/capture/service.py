"""Capture: validate, compute cobros, allocate the folio, and write expediente, attachments,
outbox mutation and audit entry in ONE transaction (ARCHITECTURE §6)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import TramiteDef
from desktop.bundles.uma import uma_for
from desktop.capture.blobs import DISK_FULL, StoredBlob, store_file
from desktop.capture.fees import MAX_TOTAL, TOTAL_TOO_LARGE, CobroLine, compute_cobros, total
from desktop.capture.folios import allocate_folio
from desktop.capture.payload import ArchivoOrigen, build_payload
from desktop.capture.validation import validate_answers
from desktop.capture.validators.check import has_control_character
from desktop.context import AppContext
from desktop.errors import StorageError, ValidationFailed, VentanillaError
from desktop.ids import uuid7
from desktop.records.audit import append_audit
from desktop.records.outbox import queue_mutation
from desktop.records.restored_copy import refuse_capture_while_resyncing
from desktop.records.staleness import refuse_capture_if_stale
from localdb.models import Attachment, Draft, Expediente, SyncState, table_of
from localdb.states import EnvioState, ExpedienteStatus
from wire.staleness import Umbrales
from wire.times import as_utc, office_date, utc_now


@dataclass(frozen=True)
class RequisitoAnswer:
    clave: str
    recibido: bool
    nota: str = ""


@dataclass(frozen=True)
class AttachmentInput:
    path: Path
    filename: str
    mime: str = ""
    campo: str | None = None  # the archivo campo this file answers, if any


@dataclass(frozen=True)
class CaptureRequest:
    homoclave: str
    answers: dict[str, Any]
    requisitos: list[RequisitoAnswer] = field(default_factory=list)
    attachments: list[AttachmentInput] = field(default_factory=list)
    version: int | None = None
    draft_uuid: str | None = None
    archivo: ArchivoOrigen | None = None


class AlreadyCaptured(VentanillaError):
    """The paper of an archive is already an expediente here (same trámite, same paper folio)."""

    def __init__(self, homoclave: str, archivo_folio: str, folio: str) -> None:
        super().__init__(f"El folio original {archivo_folio} del trámite {homoclave} ya fue "
                         f"capturado como {folio}.")
        self.folio = folio


@dataclass(frozen=True)
class CaptureResult:
    uuid: str
    folio: str
    total: Decimal
    content_sha256: str


@dataclass(frozen=True)
class _Prepared:
    tramite: TramiteDef
    cleaned: dict[str, Any]
    cobros: list[CobroLine]
    requisitos: list[dict[str, Any]]
    blobs: list[tuple[AttachmentInput, StoredBlob]]
    umbrales: Umbrales  # the bundle's days without contact before capture stops
    zone: str  # the bundle's office time zone: the folio's year is the office's


def check_requisitos(tramite: TramiteDef, answers: list[RequisitoAnswer]) -> dict[str, str]:
    """Every obligatorio requisito is received, or pending with a note; a note holds text only
    (a control character such as NUL would be refused by the platform, the record with it)."""
    given = {a.clave: a for a in answers}
    errors: dict[str, str] = {}
    for req in tramite.requisitos:
        answer = given.get(req.clave)
        if answer is not None and has_control_character(answer.nota):
            errors[f"requisito:{req.clave}"] = (
                f"La nota de «{req.descripcion}» contiene caracteres no permitidos.")
            continue
        if not req.obligatorio or (answer and (answer.recibido or answer.nota.strip())):
            continue
        errors[f"requisito:{req.clave}"] = (
            f"Marque «{req.descripcion}» como recibido o pendiente con una nota."
        )
    return errors


def _prepare(ctx: AppContext, request: CaptureRequest) -> _Prepared:
    with ctx.read() as session:
        tramite = get_tramite(session, request.homoclave, request.version)
        bundle = current_bundle(session)
        oficina = session.get_one(SyncState, 1).oficina
        uma = uma_for(session, tramite.homoclave, tramite.version)
    max_bytes = bundle.max_anexo_mb * 1_048_576
    blobs = [(a, store_file(ctx.blobs, a.path, max_bytes)) for a in request.attachments]
    answers = dict(request.answers)
    for attachment, blob in blobs:
        if attachment.campo:
            answers[attachment.campo] = blob.sha256
    result = validate_answers(
        tramite, answers, clave_catastral_patron=bundle.clave_catastral_patron
    )
    errors = {**result.errors, **check_requisitos(tramite, request.requisitos)}
    if errors:
        raise ValidationFailed(errors)
    cobros = compute_cobros(tramite, result.cleaned, uma)
    if total(cobros) > MAX_TOTAL:
        raise ValidationFailed({"total": TOTAL_TOO_LARGE}, TOTAL_TOO_LARGE)
    requisitos = [{"clave": r.clave, "recibido": r.recibido, "nota": r.nota.strip()}
                  for r in request.requisitos]
    return _Prepared(tramite, result.cleaned, cobros, requisitos, blobs,
                     bundle.sin_conexion.for_office(oficina), bundle.zona_horaria)


def check_capture(ctx: AppContext, request: CaptureRequest) -> None:
    """Everything a capture checks, writing nothing (import-archivo --revisar); ValidationFailed
    or another VentanillaError says what is wrong. Anexos are not checked here."""
    _prepare(ctx, replace(request, attachments=[]))


def archivo_folio_in_use(session: Session, homoclave: str, archivo_folio: str) -> str | None:
    """The folio of the expediente already captured from that paper, if any."""
    return session.scalar(select(Expediente.folio).where(
        Expediente.tramite_homoclave == homoclave, Expediente.archivo_folio == archivo_folio))


def archivo_folios(session: Session, homoclave: str) -> set[str]:
    """Every paper folio already captured for the trámite (import-archivo)."""
    return {f for f in session.scalars(select(Expediente.archivo_folio).where(
        Expediente.tramite_homoclave == homoclave, Expediente.archivo_folio.is_not(None)))
        if f is not None}


def capture_expediente(
    ctx: AppContext, user: CurrentUser, request: CaptureRequest
) -> CaptureResult:
    require(user, Permission.CAPTURE)
    prepared = _prepare(ctx, request)
    try:
        return _write(ctx, user, request, prepared)
    except OperationalError as exc:
        if "full" in str(exc).lower():
            raise StorageError(DISK_FULL) from exc
        raise


def _write(ctx: AppContext, user: CurrentUser, request: CaptureRequest,
           prepared: _Prepared) -> CaptureResult:
    now = utc_now()
    with ctx.write() as session:
        refuse_capture_while_resyncing(session)
        refuse_capture_if_stale(session, prepared.umbrales, prepared.zone)
        if request.archivo and (done := archivo_folio_in_use(
                session, prepared.tramite.homoclave, request.archivo.folio)):
            raise AlreadyCaptured(prepared.tramite.homoclave, request.archivo.folio, done)
        state = session.get_one(SyncState, 1)
        year = office_date(now, prepared.zone).year  # the office's calendar year
        folio = allocate_folio(session, state.oficina, state.ventanilla, year)
        expediente = build_payload(
            uuid=uuid7(), folio=folio, tramite=prepared.tramite, cleaned=prepared.cleaned,
            requisitos=prepared.requisitos, cobros=prepared.cobros, user=user.username,
            captured_at=as_utc(now), state=state,
            attachments=[(a.filename, b) for a, b in prepared.blobs], archivo=request.archivo,
        )
        payload = expediente.model_dump(mode="json")
        session.add(_expediente_row(payload, prepared, now, request.archivo))
        session.flush()  # the expediente row first: attachments reference it
        if prepared.blobs:
            session.execute(insert(table_of(Attachment)),
                            _attachment_rows(payload["uuid"], prepared.blobs))
        queue_mutation(session, "expediente.create", expediente.uuid, expediente, now)
        append_audit(session, user.username, "expediente.capturado", folio,
                     _audit_detail(payload, request.archivo))
        if request.draft_uuid and (draft := session.get(Draft, request.draft_uuid)):
            session.delete(draft)
    return CaptureResult(payload["uuid"], folio, total(prepared.cobros), payload["content_sha256"])


def _audit_detail(payload: dict[str, Any], archivo: ArchivoOrigen | None) -> dict[str, Any]:
    detail = {"uuid": payload["uuid"], "sha256": payload["content_sha256"]}
    if archivo:
        detail["archivo_folio"] = archivo.folio
    return detail


def _expediente_row(payload: dict[str, Any], prepared: _Prepared, now: datetime,
                    archivo: ArchivoOrigen | None) -> Expediente:
    return Expediente(
        uuid=payload["uuid"], folio=payload["folio"],
        tramite_homoclave=prepared.tramite.homoclave, tramite_version=prepared.tramite.version,
        answers=payload["answers"], requisitos=payload["requisitos"], cobros=payload["cobros"],
        total_centavos=int(Decimal(payload["total"]) * 100), nombre=payload["nombre"],
        curp=payload["curp"], rfc=payload["rfc"], created_by=payload["created_by"],
        captured_at=now, origin_machine=payload["origin_machine"],
        content_sha256=payload["content_sha256"], status=ExpedienteStatus.CAPTURADO,
        sync_state=EnvioState.PENDIENTE,
        archivo_folio=archivo.folio if archivo else None,
        archivo_fecha=archivo.fecha if archivo else None,
    )


def _attachment_rows(expediente_uuid: str,
                     blobs: list[tuple[AttachmentInput, StoredBlob]]) -> list[dict[str, Any]]:
    unique = {b.sha256: (a, b) for a, b in blobs}
    return [{"expediente_uuid": expediente_uuid, "sha256": b.sha256, "filename": a.filename,
             "mime": b.mime, "size": b.size, "uploaded": False} for a, b in unique.values()]
