"""The expediente as the platform receives it (wire.payloads.ExpedientePayload), and its hash.

content_sha256 covers everything captured (the payload without the hash itself); the receipt QR
signs it, so a printed acuse can be checked against the server's copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.bundles.schema import TramiteDef
from desktop.capture.blobs import StoredBlob
from desktop.capture.fees import CobroLine, total
from localdb.models import SyncState
from wire.canonical import payload_sha256
from wire.payloads import ExpedienteContent, ExpedientePayload


@dataclass(frozen=True)
class ArchivoOrigen:
    """The paper a back-captured expediente comes from (import-archivo): its folio and date."""

    folio: str
    fecha: date


def applicant_fields(tramite: TramiteDef, cleaned: dict[str, Any]) -> dict[str, str | None]:
    """nombre, curp, rfc … copied out of the answers by each campo's dato_solicitante."""
    found: dict[str, str | None] = {"nombre": None, "curp": None, "rfc": None}
    for campo in tramite.campos:
        if campo.dato_solicitante and cleaned.get(campo.clave) not in (None, ""):
            found.setdefault(campo.dato_solicitante, None)
            if found[campo.dato_solicitante] is None:
                found[campo.dato_solicitante] = str(cleaned[campo.clave])
    return found


def build_payload(*, uuid: str, folio: str, tramite: TramiteDef, cleaned: dict[str, Any],
                  requisitos: list[dict[str, Any]], cobros: list[CobroLine], user: str,
                  captured_at: datetime, state: SyncState,
                  attachments: Sequence[tuple[str, StoredBlob]],
                  archivo: ArchivoOrigen | None = None) -> ExpedientePayload:
    """The wire model; a capture that does not fit the contract fails here (ValidationError)."""
    applicant = applicant_fields(tramite, cleaned)
    content = ExpedienteContent.model_validate({
        "uuid": uuid, "folio": folio,
        "tramite_homoclave": tramite.homoclave, "tramite_version": tramite.version,
        "answers": cleaned, "requisitos": requisitos,
        "cobros": [{"concepto": c.concepto, "cri": c.cri, "importe": f"{c.importe:.2f}"}
                   for c in cobros],
        "total": f"{total(cobros):.2f}",
        "nombre": applicant["nombre"] or "", "curp": applicant["curp"], "rfc": applicant["rfc"],
        "created_by": user, "captured_at": captured_at,
        "origin_machine": state.machine_id, "oficina": state.oficina,
        "ventanilla": state.ventanilla,
        "attachments": [{"sha256": b.sha256, "filename": name, "mime": b.mime, "size": b.size}
                        for name, b in attachments],
        "archivo_folio": archivo.folio if archivo else None,
        "archivo_fecha": archivo.fecha if archivo else None,
    })
    unhashed = content.model_dump(mode="json")
    return ExpedientePayload.model_validate({**unhashed,
                                             "content_sha256": payload_sha256(unhashed)})
