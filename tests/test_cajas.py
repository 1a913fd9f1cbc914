"""Cash sessions on a real store: a payment needs an open caja and gets a recibo oficial from its
own series (never reused, never burnt by a refusal); a recibo is cancelled with a reason and kept;
the corte closes the caja once, queues one caja.corte, and its PDF (read back) adds up to the
recibos; a reprint says REIMPRESIÓN; every action is in the audit log."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.errors import VentanillaError
from desktop.records.audit_verify import verify_chain
from desktop.records.cajas import NO_OPEN_CAJA, current_caja, open_caja
from desktop.records.corte import (
    close_caja,
    corte_document,
    corte_state,
    counted_total,
    save_corte_pdf,
)
from desktop.records.payments import register_payment
from desktop.records.recibos import cancel_recibo
from localdb.models import AuditEntry, Caja, OutboxEntry, ReciboCounter
from tests.document_fixtures import FOLIO, TOTAL, Office, pdf_text
from wire.payloads import CortePayload
from wire.times import office_date, utc_now

SUPERVISOR = CurrentUser("super", "Rosa Elena Duarte", Role.SUPERVISOR)
YEAR = office_date(utc_now(), "America/Hermosillo").year  # the demo office's year


def _recibo(n: int) -> str:
    return f"R-OFI-V03-{YEAR}-{n:06d}"


def _actions(office: Office) -> list[str]:
    with office.ctx.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_payment_needs_an_open_caja_and_a_refusal_burns_no_recibo(office: Office) -> None:
    with pytest.raises(VentanillaError) as refused:
        register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert refused.value.message == NO_OPEN_CAJA
    open_caja(office.ctx, office.user, "500")
    with pytest.raises(VentanillaError, match="referencia"):
        register_payment(office.ctx, office.user, FOLIO, "cheque")
    with office.ctx.read() as s:
        assert s.get(ReciboCounter, YEAR) is None
    paid = register_payment(office.ctx, office.user, FOLIO, "efectivo")
    assert paid.recibo_folio == _recibo(1)


def test_one_open_caja_at_a_time_and_the_fondo_is_checked(office: Office) -> None:
    for bad, message in (("abc", "Escriba el fondo inicial"), ("-5", r"va de \$0\.00"),
                         ("10.005", "hasta centavos")):
        with pytest.raises(VentanillaError, match=message):
            open_caja(office.ctx, office.user, bad)
    caja = open_caja(office.ctx, office.user, "$1,250.50")
    assert caja.fondo == Decimal("1250.50") and current_caja(office.ctx) == caja
    with pytest.raises(VentanillaError, match="Ya hay una caja abierta"):
        open_caja(office.ctx, SUPERVISOR, "100")


def test_a_cancelled_recibo_is_kept_and_its_folio_never_reused(office: Office) -> None:
    open_caja(office.ctx, office.user, "0")
    first = register_payment(office.ctx, office.user, FOLIO, "efectivo")
    with pytest.raises(VentanillaError, match="al menos 5"):
        cancel_recibo(office.ctx, SUPERVISOR, FOLIO, "no")
    gone = cancel_recibo(office.ctx, SUPERVISOR, FOLIO, "  Cobro   duplicado ")
    assert (gone.folio, gone.reason, gone.amount) == (first.recibo_folio, "Cobro duplicado",
                                                      TOTAL)
    with pytest.raises(VentanillaError, match="no tiene un recibo oficial vigente"):
        cancel_recibo(office.ctx, SUPERVISOR, FOLIO, "Otra vez el mismo")
    again = register_payment(office.ctx, office.user, FOLIO, "tarjeta")
    assert (first.recibo_folio, again.recibo_folio) == (_recibo(1), _recibo(2))
    with office.ctx.read() as s:
        kinds = [(m.kind, json.loads(m.payload)) for m in s.scalars(select(OutboxEntry))]
    assert [k for k, _p in kinds] == ["expediente.payment", "recibo.cancel",
                                      "expediente.payment"]
    assert kinds[1][1]["recibo_folio"] == _recibo(1)
    assert kinds[1][1]["reason"] == "Cobro duplicado"


def test_corte_closes_once_queues_its_mutation_and_its_pdf_adds_up(office: Office) -> None:
    open_caja(office.ctx, office.user, "500.00")
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    cancel_recibo(office.ctx, SUPERVISOR, FOLIO, "Billete falso detectado")
    register_payment(office.ctx, office.user, FOLIO, "efectivo")
    state = corte_state(office.ctx)
    assert (state.fondo, state.efectivo, state.expected) == (
        Decimal("500.00"), TOTAL, Decimal("500.00") + TOTAL)
    assert (state.recibos, state.cancelled) == (1, 1)
    counts = {"billete_1000": 1, "billete_500": 1, "billete_200": 1, "moneda_20": 1,
              "moneda_10": 1, "moneda_2": 2, "moneda_0.50": 1}
    assert counted_total(counts) == Decimal("1734.50")
    with pytest.raises(VentanillaError, match="no tiene permiso para firmar"):
        close_caja(office.ctx, office.user, counts, office.user)
    uuid = close_caja(office.ctx, office.user, counts, SUPERVISOR)
    assert current_caja(office.ctx) is None
    with pytest.raises(VentanillaError, match="No hay una caja abierta"):
        close_caja(office.ctx, office.user, counts, SUPERVISOR)
    with pytest.raises(VentanillaError, match="No hay una caja abierta"):
        register_payment(office.ctx, office.user, FOLIO, "efectivo")

    with office.ctx.read() as s:
        [corte] = s.scalars(select(OutboxEntry).where(OutboxEntry.kind == "caja.corte"))
        caja = s.get_one(Caja, uuid)
        assert verify_chain(s).ok
    payload = CortePayload.model_validate_json(corte.payload)
    assert (payload.fondo, payload.expected, payload.counted, payload.difference) == (
        "500.00", "1734.50", "1734.50", "0.00")
    assert [(r.folio, r.cancelled, r.cancel_reason) for r in payload.recibos] == [
        (_recibo(1), True, "Billete falso detectado"), (_recibo(2), False, None)]
    assert (payload.signed_by, payload.counted_by) == ("super", office.user.username)
    assert caja.denominations == counts

    text = pdf_text(corte_document(office.ctx, SUPERVISOR, uuid))
    _check_corte_text(text)
    assert "REIMPRESIÓN" not in text
    reprint = save_corte_pdf(office.ctx, SUPERVISOR, uuid)
    assert "REIMPRESIÓN 1" in pdf_text(reprint.read_bytes())
    assert _actions(office)[-6:] == [
        "caja.abierta", "expediente.pagado", "recibo.cancelado", "expediente.pagado",
        "caja.corte", "caja.corte_reimpreso"]
    with pytest.raises(VentanillaError, match="caja ya cerrada con su corte"):
        cancel_recibo(office.ctx, SUPERVISOR, FOLIO, "Después del corte")


def _check_corte_text(text: str) -> None:
    """The paper's totals against the recibos: one live recibo in efectivo of TOTAL."""
    flat = " ".join(text.split())
    assert "Corte de caja" in flat
    assert f"{_recibo(1)}" in flat and "CANCELADO: Billete falso detectado" in flat
    assert f"{_recibo(2)}" in flat
    by_method = "Forma de pago CRI Importe Efectivo $1,234.50 TOTAL $1,234.50"
    assert f"Totales por forma de pago {by_method}" in flat
    for concepto, cri, amount in (("Constancia de alineamiento y número oficial", "4.3.9.4",
                                   "$72.00"),
                                  ("Derechos por licencia de construcción", "4.3.1.1",
                                   "$850.00"),
                                  ("Revisión de planos arquitectónicos", "4.3.1.2", "$312.50")):
        assert f"{concepto} {cri} {amount}" in flat
    assert "Fondo inicial $500.00" in flat
    assert "Efectivo esperado $1,734.50" in flat and "Efectivo contado $1,734.50" in flat
    assert "Diferencia $0.00 (sin diferencia)" in flat
    assert "Billete de $1000 1 $1,000.00" in flat and "Moneda de $0.50 1 $0.50" in flat
    assert "Operador:" in flat and "Supervisor: super" in flat
