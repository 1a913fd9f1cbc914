"""Registering a payment: one transaction with its audit entry and outbox mutation; refusals in
Spanish write nothing; the recibo turns into a "Recibo de pago" that starts its own copy count."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.access.permissions import CurrentUser, Role
from desktop.documents.service import PRINT_ACTION, print_command, produce_document
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import cancel_folio
from desktop.records.payments import PAYMENT_ACTION, PAYMENT_KIND, payment_info, register_payment
from localdb.models import AuditEntry, Expediente, OutboxEntry
from tests.cajas import ensure_open_caja
from tests.document_fixtures import FOLIO, TOTAL, Office, pdf_text, seed_office
from wire.canonical import canonical_json, payload_sha256
from wire.times import as_utc

SUPERVISOR = CurrentUser("super", "Rosa Elena Duarte", Role.SUPERVISOR)


@pytest.fixture(autouse=True)
def _caja(request: pytest.FixtureRequest) -> None:
    """Payments are cashed in an open caja (tests/test_cajas.py tests the refusal without one)."""
    if "office" in request.fixturenames:
        ensure_open_caja(request.getfixturevalue("office").ctx)


def _outbox(office: Office) -> list[OutboxEntry]:
    with office.ctx.write() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.mutation_id)))


def _audit_count(office: Office) -> int:
    with office.ctx.write() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_payment_sets_fields_audits_and_queues_one_mutation(office: Office) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    info = register_payment(office.ctx, office.user, FOLIO, "transferencia", " RAST 0012  34 ")
    assert info.paid and not info.payable and info.total == TOTAL
    assert (info.method, info.method_label, info.reference, info.paid_by) == (
        "transferencia", "Transferencia electrónica", "RAST 0012 34", office.user.username)
    assert info.paid_at is not None and info.paid_at >= before
    with office.ctx.write() as s:
        row = s.scalars(select(Expediente)).one()
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == PAYMENT_ACTION)).one()
        assert verify_chain(s).ok
    # Stored in UTC; shown (PaymentInfo) on the office's clock: the same instant.
    assert (row.payment_method, row.payment_reference, as_utc(row.paid_at), row.paid_by) == (
        "transferencia", "RAST 0012 34", info.paid_at, office.user.username)
    assert row.status == "capturado"  # status belongs to the platform
    caja = ensure_open_caja(office.ctx).uuid
    recibo = f"R-OFI-V03-{info.paid_at.year}-000001"
    assert info.recibo_folio == recibo
    assert (entry.entity, entry.detail) == (FOLIO, {"forma": "transferencia",
                                                    "referencia": "RAST 0012 34",
                                                    "importe": "1234.50", "recibo": recibo,
                                                    "caja": caja})
    [mutation] = _outbox(office)
    payload = json.loads(mutation.payload)
    assert (mutation.kind, mutation.entity_uuid, mutation.state) == (
        PAYMENT_KIND, row.uuid, "pending")
    assert payload == {"uuid": row.uuid, "folio": FOLIO, "method": "transferencia",
                       "reference": "RAST 0012 34", "amount": "1234.50",
                       "paid_by": office.user.username,
                       "paid_at": f"{row.paid_at:%Y-%m-%dT%H:%M:%S}Z",  # UTC on the wire
                       "recibo_folio": recibo, "caja_uuid": caja}
    assert mutation.sha256 == payload_sha256(payload)
    assert mutation.payload == canonical_json(payload).decode()  # what the platform re-hashes


def test_a_synced_expediente_is_pending_again_until_its_payment_is_sent(office: Office) -> None:
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().sync_state = "sincronizado"
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert payment_info(office.ctx, FOLIO).reference is None
    with office.ctx.write() as s:
        assert s.scalars(select(Expediente.sync_state)).one() == "pendiente"


@pytest.mark.parametrize(("method", "reference", "message"), [
    ("bitcoin", None, "Forma de pago desconocida «bitcoin»: use efectivo, tarjeta, "
                      "transferencia, cheque."),
    ("transferencia", "  ", "Escriba la referencia del pago (la clave de rastreo)."),
    ("cheque", None, "Escriba la referencia del pago (el número de cheque)."),
    ("tarjeta", "9" * 65, "La referencia del pago admite hasta 64 caracteres."),
])
def test_bad_method_or_reference_is_refused(office: Office, method: str, reference: str | None,
                                            message: str) -> None:
    with pytest.raises(VentanillaError) as refused:
        register_payment(office.ctx, office.user, FOLIO, method, reference)
    assert refused.value.message == message
    assert _outbox(office) == [] and not payment_info(office.ctx, FOLIO).paid


def test_a_folio_is_paid_once(office: Office) -> None:
    register_payment(office.ctx, office.user, FOLIO, "Efectivo")
    audit = _audit_count(office)
    with pytest.raises(VentanillaError) as refused:
        register_payment(office.ctx, office.user, FOLIO, "tarjeta", "AUT 1")
    assert refused.value.message.startswith(
        f"El folio {FOLIO} ya tiene un pago registrado (Efectivo, ")
    assert len(_outbox(office)) == 1 and _audit_count(office) == audit
    assert payment_info(office.ctx, FOLIO).method == "efectivo"


def test_a_cancelled_folio_cannot_be_paid(office: Office) -> None:
    cancel_folio(office.ctx, SUPERVISOR, FOLIO, "Captura duplicada")
    with pytest.raises(VentanillaError) as refused:
        register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert refused.value.message == (f"El folio {FOLIO} está cancelado; no se puede registrar "
                                     "un pago.")
    assert [m.kind for m in _outbox(office)] == ["expediente.void"]
    assert not payment_info(office.ctx, FOLIO).payable


def test_a_folio_with_nothing_to_pay_is_refused(data_dir: Path) -> None:
    office = seed_office(data_dir, total_centavos=0, cobros=[])
    try:
        ensure_open_caja(office.ctx)
        assert not payment_info(office.ctx, FOLIO).payable
        with pytest.raises(VentanillaError, match="no tiene importe por pagar"):
            register_payment(office.ctx, office.user, FOLIO, "efectivo")
        assert _outbox(office) == []
    finally:
        office.ctx.close()


def test_unknown_folio_is_refused(office: Office) -> None:
    with pytest.raises(VentanillaError, match="No existe el folio NO-EXISTE"):
        register_payment(office.ctx, office.user, "NO-EXISTE", "efectivo")


def _recibo(office: Office, layout: str = "carta") -> str:
    return pdf_text(produce_document(office.ctx, office.user, FOLIO, "recibo", layout))


@pytest.mark.parametrize("layout", ["carta", "ticket"])
def test_first_recibo_de_pago_is_an_original_after_the_orden_de_pago(office: Office,
                                                                    layout: str) -> None:
    orden = _recibo(office, layout)
    assert "ORDEN DE PAGO" in orden and "PENDIENTE DE PAGO" in orden
    info = register_payment(office.ctx, office.user, FOLIO, "tarjeta", "AUT 448812")
    first, second = _recibo(office, layout), _recibo(office, layout)
    assert "RECIBO DE PAGO" in first and "Tarjeta de débito o crédito" in first
    assert "Referencia: AUT 448812" in first
    assert info.paid_at is not None and f"{info.paid_at:%H:%M}" in first
    assert "PENDIENTE DE PAGO" not in first and "REIMPRESIÓN" not in first
    assert "REIMPRESIÓN 1" in second
    with office.ctx.write() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == PRINT_ACTION)
                            .order_by(AuditEntry.id)).all()
    assert [(e.detail["variante"], e.detail["reimpresion"]) for e in entries] == [
        ("orden_de_pago", 0), ("recibo_de_pago", 0), ("recibo_de_pago", 1)]


def test_copies_from_before_variantes_count_as_the_orden_de_pago(office: Office) -> None:
    with office.ctx.write() as s:  # an entry written by an older version of the app
        append_audit(s, "lucia", PRINT_ACTION, FOLIO, {"doc": "recibo", "layout": "carta",
                                                      "reimpresion": 0, "destino": ["pdf"]})
    assert "REIMPRESIÓN 1" in _recibo(office)
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert "REIMPRESIÓN" not in _recibo(office)


def test_print_command_names_the_recibo_de_pago(office: Office, tmp_path: Path) -> None:
    register_payment(office.ctx, office.user, FOLIO, "cheque", "Cheque 0042 Banorte")
    target = tmp_path / "recibo.pdf"
    code, message = print_command(office.ctx, office.user, FOLIO, "recibo", "ticket", None,
                                  target)
    assert (code, message) == (0, f"Recibo de pago {FOLIO}: copia electrónica guardada en "
                                  f"{target}.")
    text = pdf_text(target.read_bytes())
    assert "Cheque" in text and "Referencia: Cheque 0042 Banorte" in text


def test_queued_payment_is_a_valid_wire_mutation(office: Office) -> None:
    from typing import get_args

    from wire.payloads import PaymentPayload
    from wire.protocol import MutationKind

    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    [queued] = _outbox(office)
    assert queued.kind in get_args(MutationKind)
    parsed = PaymentPayload.model_validate_json(queued.payload)
    assert (parsed.folio, parsed.amount, parsed.reference) == (FOLIO, "1234.50", None)


def test_paying_a_demo_capture_after_enrolling_sends_nothing(office: Office) -> None:
    """Demo expedientes stay on the machine (sync_state "demo"); so does their payment."""
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().sync_state = "demo"
        s.execute(OutboxEntry.__table__.delete())
    info = register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert info.paid and _outbox(office) == []
    with office.ctx.write() as s:
        assert s.scalars(select(Expediente.sync_state)).one() == "demo"
