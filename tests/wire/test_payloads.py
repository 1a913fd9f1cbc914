"""Every mutation and change kind has a model; each round-trips and refuses what no window sends."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from wire.canonical import canonical_json
from wire.payloads import (
    CHANGE_PAYLOADS,
    MUTATION_PAYLOADS,
    AmendPayload,
    CortePayload,
    ExpedientePayload,
    PaymentPayload,
    ReciboCancelPayload,
    ReviewPayload,
    StatusChange,
    VoidPayload,
)
from wire.protocol import ChangeKind, MutationKind

UUID = "0192f0c4-7d1e-7abc-8def-0123456789ab"
SHA = "ab" * 32
EXPEDIENTE: dict[str, Any] = {
    "uuid": UUID, "folio": "HMO-V01-2026-000001", "tramite_homoclave": "HMO-TM-001",
    "tramite_version": 1, "answers": {"nombre": "José Peña Núñez", "superficie": "120.50"},
    "requisitos": [{"clave": "ine", "recibido": True, "nota": ""}],
    "cobros": [{"concepto": "Derechos", "cri": "4.3.1", "importe": "150.00"}],
    "total": "150.00", "nombre": "José Peña Núñez", "curp": "PENJ800101HSRXXX09", "rfc": None,
    "created_by": "operador", "captured_at": "2026-11-26T10:15:00", "origin_machine": "M1A2B3",
    "oficina": "HMO-CENTRO", "ventanilla": "V01",
    "attachments": [{"sha256": SHA, "filename": "INE frente.png", "mime": "image/png",
                     "size": 2048}],
    "content_sha256": SHA,
}
SAMPLES: list[tuple[type, dict[str, Any]]] = [
    (ExpedientePayload, EXPEDIENTE),
    (VoidPayload, {"uuid": UUID, "reason": "Captura duplicada", "voided_by": "supervisor",
                   "voided_at": "2026-11-26T10:20:00"}),
    (AmendPayload, {"uuid": UUID, "changes": {"superficie": "130.00"}, "reason": "Dato erróneo",
                    "amended_by": "supervisor", "amended_at": "2026-11-26T10:25:00"}),
    (PaymentPayload, {"uuid": UUID, "folio": "HMO-V01-2026-000001", "method": "efectivo",
                      "reference": None, "amount": "150.00", "paid_by": "operador",
                      "paid_at": "2026-11-26T10:30:00", "recibo_folio": "R-HMO-V01-2026-000001",
                      "caja_uuid": UUID}),
    (PaymentPayload, {"uuid": UUID, "folio": "HMO-V01-2026-000001", "method": "tarjeta",
                      "reference": "AUT 1", "amount": "150.00", "paid_by": "operador",
                      "paid_at": "2026-11-26T10:30:00", "recibo_folio": None,
                      "caja_uuid": None}),
    (ReciboCancelPayload, {"uuid": UUID, "folio": "HMO-V01-2026-000001",
                           "recibo_folio": "R-HMO-V01-2026-000001", "reason": "Cobro duplicado",
                           "cancelled_by": "supervisor", "cancelled_at": "2026-11-26T10:35:00"}),
    (CortePayload, {"uuid": UUID, "oficina": "HMO", "ventanilla": "V01", "opened_by": "operador",
                    "opened_at": "2026-11-26T08:00:00", "closed_at": "2026-11-26T15:00:00",
                    "fondo": "500.00", "expected": "650.00", "counted": "649.50",
                    "difference": "-0.50", "denominations": {"billete_500": 1, "moneda_1": 149,
                                                             "moneda_0.50": 1},
                    "recibos": [{"folio": "R-HMO-V01-2026-000001", "expediente_uuid": UUID,
                                 "method": "efectivo", "amount": "150.00", "cancelled": False,
                                 "cancel_reason": None}],
                    "counted_by": "operador", "signed_by": "supervisor"}),
    (StatusChange, {"status": "resuelto", "note": "Listo", "official_folio": "LIC-2026-17",
                    "changed_by": None, "changed_at": None}),
    (StatusChange, {"status": "devuelto", "note": "Falta la INE", "official_folio": None,
                    "changed_by": "supervisor", "changed_at": "2026-11-26T10:40:00"}),
    (ReviewPayload, {"uuid": UUID, "decision": "devuelto", "note": "Falta la INE",
                     "reviewed_by": "supervisor", "reviewed_at": "2026-11-26T10:40:00"}),
]


def test_a_status_change_of_an_older_platform_has_no_who_or_when() -> None:
    old = StatusChange.model_validate({"status": "resuelto", "note": None})
    assert (old.changed_by, old.changed_at) == (None, None)


def test_a_payment_of_an_older_window_has_no_recibo_or_caja() -> None:
    old = PaymentPayload.model_validate({k: v for k, v in dict(SAMPLES)[PaymentPayload].items()
                                         if k not in ("recibo_folio", "caja_uuid")})
    assert (old.recibo_folio, old.caja_uuid) == (None, None)


def test_a_corte_difference_is_signed_money() -> None:
    corte = dict(SAMPLES)[CortePayload]
    for bad in ("-0.5", "1e3", "--1.00", "NaN"):
        with pytest.raises(ValidationError):
            CortePayload.model_validate({**corte, "difference": bad})


def test_a_review_decides_validado_or_devuelto_only() -> None:
    with pytest.raises(ValidationError):
        ReviewPayload.model_validate({"uuid": UUID, "decision": "resuelto", "note": "",
                                      "reviewed_by": "s", "reviewed_at": "2026-11-26T10:40:00"})


def test_every_kind_on_the_wire_has_its_model() -> None:
    assert set(MUTATION_PAYLOADS) == set(get_args(MutationKind))
    assert set(CHANGE_PAYLOADS) == set(get_args(ChangeKind))


@pytest.mark.parametrize(("model", "data"), SAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_payload_round_trips_to_the_same_canonical_bytes(model: type, data: dict) -> None:
    dumped = model.model_validate(data).model_dump(mode="json")
    assert canonical_json(dumped) == canonical_json(data)
    assert model.model_validate(dumped) == model.model_validate(data)


@pytest.mark.parametrize(("model", "field", "bad"), [
    (ExpedientePayload, "total", "150"), (ExpedientePayload, "total", "-1.00"),
    (ExpedientePayload, "total", "NaN"), (ExpedientePayload, "uuid", "no-such"),
    (ExpedientePayload, "content_sha256", "AB" * 32), (ExpedientePayload, "folio", "F" * 65),
    (ExpedientePayload, "tramite_version", 0), (ExpedientePayload, "curp", "C" * 19),
    (PaymentPayload, "amount", "1e9"), (PaymentPayload, "method", ""),
    (VoidPayload, "voided_by", ""), (StatusChange, "status", ""),
])
def test_payload_refuses_what_no_window_sends(model: type, field: str, bad: object) -> None:
    data = {**dict(SAMPLES)[model], field: bad}
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    assert refused.value.errors()[0]["loc"][0] == field


def test_cobro_importe_and_attachment_hash_have_their_format() -> None:
    bad_cobro = {**EXPEDIENTE, "cobros": [{"concepto": "x", "cri": "1", "importe": "15"}]}
    bad_ref = {**EXPEDIENTE, "attachments": [{**EXPEDIENTE["attachments"][0], "sha256": "x"}]}
    for data in (bad_cobro, bad_ref):
        with pytest.raises(ValidationError):
            ExpedientePayload.model_validate(data)


def test_unknown_keys_of_newer_windows_are_ignored() -> None:
    paid = PaymentPayload.model_validate({**dict(SAMPLES)[PaymentPayload], "caja": "2"})
    assert "caja" not in paid.model_dump()


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    return {name.split(".")[0] for name in names}


def test_wire_is_a_leaf_package() -> None:
    """wire/ imports only the stdlib, pydantic and cryptography: never the app's packages."""
    root = Path(__file__).resolve().parents[2] / "wire"
    allowed = set(sys.stdlib_module_names) | {"pydantic", "cryptography", "wire"}
    used = set().union(*(_imported_roots(p) for p in root.rglob("*.py")))
    assert used - allowed == set()
