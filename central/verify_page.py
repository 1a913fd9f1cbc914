"""GET /v/{machine_id}/{folio}?t&d&h&s: the public page a receipt's QR opens (ARCHITECTURE §9).

The signature is checked against the receipt key the machine registered at enrollment, by
wire.receipts (the same verifier the window uses), so the paper is verified without trusting
it. When the expediente is already on the platform, its trámite and current status are shown,
and a receipt whose data differs from the stored record is flagged.
"""

from __future__ import annotations

import json
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.db import Database
from central.machine_auth import database
from central.models import ConfigBundle, Expediente, Machine
from central.office_clock import archivo_text, captured_text, local_text, platform_zone
from wire.receipts import ReceiptFields, receipt_fields, receipt_is_authentic

router = APIRouter()

STATUS_LABELS = {
    "recibido": "Recibido en la plataforma", "en_revision": "En revisión",
    "validado": "Validado", "devuelto": "Devuelto para corrección", "rechazado": "Rechazado",
    "resuelto": "Resuelto", "anulado": "Anulado",
}


@router.get("/v/{machine_id}/{folio}", response_class=HTMLResponse)
def verify_receipt(
    machine_id: str,
    folio: str,
    db: Annotated[Database, Depends(database)],
    t: str = "",
    d: str = "",
    h: str = "",
    s: str = "",
) -> HTMLResponse:
    receipt = receipt_fields(machine_id, folio, t, d, h, s)
    with db.read() as session:
        machine = session.execute(select(Machine.receipt_public_key, Machine.revoked_at)
                                  .where(Machine.id == machine_id)).one_or_none()
        key = machine.receipt_public_key if machine else None
        record = session.scalars(select(Expediente).where(Expediente.folio == folio)).first()
        if receipt is None or not key or not receipt_is_authentic(receipt, key):
            return HTMLResponse(_page(_invalid(folio)))
        tramite = _tramite_label(session, record.tramite_homoclave) if record else ""
        zone = platform_zone(session)
        body = _authentic_body(receipt, record, tramite, zone)
        if record is None and machine is not None and machine.revoked_at is not None:
            body += _revoked_warning(local_text(machine.revoked_at, zone))
        return HTMLResponse(_page(body))


def _revoked_warning(when: str) -> str:
    """A revoked machine (lost, stolen) still holds its key: what it signs and never sent is
    not vouched for by the platform."""
    return ("<p class='warn'>Atención: el equipo que emitió este comprobante fue dado de baja "
            f"el {escape(when)} y el expediente no está en la plataforma. No lo acepte como "
            "prueba sin confirmarlo en la oficina.</p>")


def _tramite_label(session: Session, homoclave: str) -> str:
    """"HOMOCLAVE — nombre" from the latest published bundle, or the homoclave alone."""
    latest = session.scalar(
        select(ConfigBundle.payload).order_by(ConfigBundle.version.desc()).limit(1)
    )
    try:
        tramites = json.loads(latest or b"{}").get("tramites", [])
        nombre = next(t.get("nombre") for t in tramites if t.get("homoclave") == homoclave)
    except (ValueError, AttributeError, StopIteration):
        return homoclave
    return f"{homoclave} — {nombre}" if nombre else homoclave


def _authentic_body(receipt: ReceiptFields, record: Expediente | None, tramite: str,
                    zone: str) -> str:
    rows = [("Folio", receipt.folio), ("Total", f"$ {receipt.total}"),
            ("Fecha", receipt.date.isoformat())]
    notes = ""
    if record is None:
        rows.append(("Estado", "Aún no llega a la plataforma (el equipo lo enviará)."))
    else:
        rows.insert(1, ("Trámite", tramite))
        rows.insert(3, ("Capturado", captured_text(record.payload, zone)))
        if record.archivo_folio:
            rows.insert(4, ("Origen", archivo_text(record)))
        rows.append(("Estado", STATUS_LABELS.get(record.status, record.status)))
        if record.official_folio:
            rows.append(("Folio oficial", record.official_folio))
        rows.append(("Pago", _payment_label(record, zone)))
        if (record.content_sha256, record.total, record.machine_id) != (
            receipt.sha256, receipt.total, receipt.machine_id
        ):
            notes = "<p class='warn'>Atención: los datos del comprobante no coinciden con el " \
                    "expediente registrado. Acuda a la oficina.</p>"
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<h1 class='ok'>Comprobante auténtico</h1><table>{table}</table>{notes}"


def _payment_label(record: Expediente, zone: str) -> str:
    """What the platform knows of the payment: a "recibo de pago" without one is suspect."""
    if record.paid_at is None:
        return "Sin pago registrado en la plataforma."
    return f"Pagado el {local_text(record.paid_at, zone)} ({record.payment_method})"


def _invalid(folio: str) -> str:
    return (
        "<h1 class='bad'>Comprobante NO válido</h1>"
        f"<p>La firma del comprobante con folio <b>{escape(folio)}</b> no corresponde "
        "a un equipo registrado o los datos fueron alterados. No lo acepte como prueba de "
        "pago o de recepción.</p>"
    )


def _page(body: str) -> str:
    return (
        "<!doctype html><html lang='es-MX'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Verificación de comprobante</title><style>"
        "body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}"
        ".ok{color:#1b5e20}.bad{color:#b71c1c}.warn{color:#e65100;font-weight:bold}"
        "th{text-align:left;padding-right:1em}</style></head><body>"
        f"{body}<p><small>Ventanilla · verificación de comprobantes</small></p></body></html>"
    )
