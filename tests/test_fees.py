"""Fee rules in Decimal, half-up to centavos, with the demo catálogo's real rules too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from desktop.bundles.schema import Bundle, TramiteDef
from desktop.capture.fees import CobroLine, FormulaError, compute_cobros, formula_names, total
from desktop.demo.catalogo_demo import build_bundle
from desktop.errors import VentanillaError

UMA = Decimal("117.31")
DEMO = Bundle.model_validate(build_bundle())


def demo(homoclave: str) -> TramiteDef:
    return next(t for t in DEMO.tramites if t.homoclave == homoclave)


def tramite(*reglas: dict[str, Any]) -> TramiteDef:
    return TramiteDef.model_validate({
        "homoclave": "T-1", "version": 1, "nombre": "Prueba", "dependencia": "TM",
        "nivel_digitalizacion": 1, "plazo_dias": 0, "requisitos": [],
        "campos": [{"clave": "nombre", "etiqueta": "Nombre", "tipo": "texto",
                    "dato_solicitante": "nombre"},
                   {"clave": "m2", "etiqueta": "Metros", "tipo": "numero"},
                   {"clave": "n", "etiqueta": "Cantidad", "tipo": "numero"}],
        "cobros": [{"concepto": f"Concepto {i}", "cri": "4.3.1", "regla": r}
                   for i, r in enumerate(reglas, 1)],
    })


def importes(t: TramiteDef, answers: dict[str, Any], uma: Decimal = UMA) -> list[str]:
    return [str(line.importe) for line in compute_cobros(t, answers, uma)]


def test_fijo() -> None:
    assert importes(tramite({"tipo": "fijo", "monto": "450"}), {}) == ["450.00"]


def test_por_unidad_with_a_missing_campo_counts_zero_and_is_omitted() -> None:
    t = tramite({"tipo": "por_unidad", "campo": "m2", "monto_unitario": "3.50"})
    assert importes(t, {"m2": "120.5"}) == ["421.75"]
    assert importes(t, {}) == []
    assert importes(t, {"m2": ""}) == []


def test_uma() -> None:
    assert importes(tramite({"tipo": "uma", "factor": "8"}), {}) == ["938.48"]


@pytest.mark.parametrize(("value", "expected"), [
    (None, "450.00"), ("0", "450.00"), ("150000", "450.00"), ("150000.01", "1380.00"),
    ("500000", "1380.00"), ("1500000", "4250.00"), ("9999999", "9800.00"),
])
def test_tramos_boundaries_belong_to_the_lower_tramo(value: str | None, expected: str) -> None:
    answers = {} if value is None else {"valor_catastral": value}
    assert importes(demo("HMO-TM-001"), answers) == [expected]


def test_tramos_without_an_open_end_refuse_values_beyond_the_last() -> None:
    t = tramite({"tipo": "tramos", "campo": "m2",
                 "tramos": [{"hasta": "10", "monto": "1"}, {"hasta": "20", "monto": "2"}]})
    assert importes(t, {"m2": "20"}) == ["2.00"]
    with pytest.raises(VentanillaError, match="excede el último tramo"):
        compute_cobros(t, {"m2": "20.01"}, UMA)


def test_formula_with_both_branches_of_a_condition() -> None:
    licencia = demo("HMO-DUE-002")
    low = compute_cobros(licencia, {"superficie_construccion": "100", "niveles": "2"}, UMA)
    high = compute_cobros(licencia, {"superficie_construccion": "100", "niveles": "3"}, UMA)
    assert [(c.concepto, c.cri, c.importe) for c in low] == [
        ("Derechos por licencia de construcción", "4.3.5.2", Decimal("1850.00")),
        ("Revisión de proyecto", "4.3.5.3", Decimal("920.00"))]
    assert high[0].importe == Decimal("2780.00")
    assert total(high) == Decimal("3700.00")


def test_formula_uses_uma_and_decimal_literals_exactly() -> None:
    uso_suelo = demo("HMO-DUE-001")
    # 333.3 * 4.25 + 3 * 117.31 = 1416.525 + 351.93 = 1768.455 -> half up
    assert importes(uso_suelo, {"superficie_terreno": "333.3"}) == ["1768.46"]
    t = tramite({"tipo": "formula", "expresion": "0.1 * 3 + m2 / 3"})
    assert importes(t, {"m2": "1"}) == ["0.63"]  # 0.3 + 0.3333…


@pytest.mark.parametrize(("regla", "answers", "expected"), [
    ({"tipo": "uma", "factor": "1.5"}, {}, "175.97"),  # 175.965: half-even would give .96
    ({"tipo": "por_unidad", "campo": "m2", "monto_unitario": "0.25"}, {"m2": "0.5"}, "0.13"),
    ({"tipo": "formula", "expresion": "m2 * 0.001"}, {"m2": "5"}, "0.01"),  # 0.005
    ({"tipo": "formula", "expresion": "m2 * 0.001"}, {"m2": "25"}, "0.03"),  # 0.025
    ({"tipo": "formula", "expresion": "m2"}, {"m2": "10.005"}, "10.01"),
    ({"tipo": "formula", "expresion": "m2"}, {"m2": "10.0049"}, "10.00"),
])
def test_half_up_to_centavos(regla: dict[str, Any], answers: dict[str, Any],
                             expected: str) -> None:
    assert importes(tramite(regla), answers) == [expected]


def test_an_importe_that_rounds_to_zero_is_omitted() -> None:
    assert importes(tramite({"tipo": "formula", "expresion": "m2 * 0.001"}), {"m2": "4.9"}) == []


def test_free_event_omits_the_zero_tax_line() -> None:
    evento = demo("HMO-SAY-001")
    gratis = compute_cobros(evento, {"aforo": "300"}, UMA)
    assert [c.concepto for c in gratis] == ["Derechos por permiso para evento"]
    pagado = compute_cobros(evento, {"aforo": "300", "precio_boleto": "250"}, UMA)
    assert [str(c.importe) for c in pagado] == ["938.48", "6000.00"]
    assert pagado[1].cri == "1.1.1.1"


def test_tramite_without_cobros_costs_nothing() -> None:
    assert compute_cobros(demo("HMO-OCEG-001"), {}, UMA) == []
    assert total([]) == Decimal("0.00")


def test_negative_result_is_an_error() -> None:
    t = tramite({"tipo": "formula", "expresion": "m2 - 100"})
    with pytest.raises(VentanillaError, match="importe negativo"):
        compute_cobros(t, {"m2": "10"}, UMA)


def test_division_by_zero_is_a_spanish_error() -> None:
    t = tramite({"tipo": "formula", "expresion": "100 / n"})
    with pytest.raises(FormulaError, match="No se pudo calcular el cobro «Concepto 1»"):
        compute_cobros(t, {}, UMA)


@pytest.mark.parametrize("expresion", [
    "__import__('os').system('true')", "m2.__class__", "uma.sqrt()", "abs(m2)",
    "[m2][0]", "m2 ** 99999", "m2; n", "lambda: 1",
])
def test_formulas_cannot_call_or_reach_attributes(expresion: str) -> None:
    with pytest.raises(FormulaError):
        formula_names(expresion)
    with pytest.raises(FormulaError):
        compute_cobros(tramite({"tipo": "formula", "expresion": expresion}), {"m2": "2"}, UMA)


def test_formula_names() -> None:
    assert formula_names("a * 2 + (uma if b > 3 else c)") == {"a", "b", "uma", "c"}


def test_non_numeric_answer_for_a_rule_is_an_error() -> None:
    t = tramite({"tipo": "por_unidad", "campo": "m2", "monto_unitario": "1"})
    with pytest.raises(VentanillaError, match="debe ser un número"):
        compute_cobros(t, {"m2": "diez"}, UMA)


def test_total_and_wire_form() -> None:
    lines = [CobroLine("A", "4.3.1", Decimal("0.10")), CobroLine("B", "4.3.2", Decimal("0.20"))]
    assert total(lines) == Decimal("0.30")
    assert lines[0].as_json() == {"concepto": "A", "cri": "4.3.1", "importe": "0.10"}
    assert CobroLine("C", "1", Decimal("1450")).as_json()["importe"] == "1450.00"
