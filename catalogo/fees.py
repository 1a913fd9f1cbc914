"""Fee lines (cobros) of a trámite, computed from its rules in Decimal, half-up to centavos."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from simpleeval import SimpleEval

from catalogo.errors import VentanillaError
from catalogo.schema import (
    Cobro,
    ReglaFijo,
    ReglaFormula,
    ReglaPorUnidad,
    ReglaTramos,
    ReglaUma,
    TramiteDef,
)
from formatting import to_centavos

UMA_NAME = "uma"
MAX_FORMULA_LENGTH = 500
# The largest total a window accepts: far above any municipal fee, far below what the store's
# integer centavos (and the platform's checks) can hold.
MAX_TOTAL = Decimal("99999999.99")
TOTAL_TOO_LARGE = ("El total calculado excede $99,999,999.99: revise las cantidades capturadas "
                   "(superficie, unidades, montos).")

_BINARY_OPS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_UNARY_OPS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos,
}
_COMPARE_OPS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_STRUCTURAL_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.BoolOp, ast.Name,
    ast.Load, ast.And, ast.Or,
)


@dataclass(frozen=True)
class CobroLine:
    concepto: str
    cri: str
    importe: Decimal

    def as_json(self) -> dict[str, str]:
        """The stored / wire form (CobroLinePayload): importe as a 2-decimal string."""
        return {"concepto": self.concepto, "cri": self.cri, "importe": f"{self.importe:.2f}"}


def total(lines: list[CobroLine]) -> Decimal:
    return to_centavos(sum((line.importe for line in lines), Decimal("0")))


class FormulaError(VentanillaError):
    """A formula that is not allowed or cannot be evaluated; the message names the concepto."""


def _node_allowed(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    return isinstance(node, _STRUCTURAL_NODES) or type(node) in (
        *_BINARY_OPS, *_UNARY_OPS, *_COMPARE_OPS
    )


def parse_formula(expresion: str) -> ast.Expression:
    """Parse and vet a formula: arithmetic, comparisons and `a if c else b` over names only."""
    if len(expresion) > MAX_FORMULA_LENGTH:
        raise FormulaError("La fórmula es demasiado larga.")
    try:
        tree = ast.parse(expresion.strip(), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise FormulaError(f"La fórmula «{expresion}» no se puede interpretar.") from exc
    for node in ast.walk(tree):
        if not _node_allowed(node):
            raise FormulaError(
                f"La fórmula «{expresion}» usa una operación no permitida "
                f"({type(node).__name__}); solo se admiten operaciones aritméticas."
            )
    return tree


def formula_names(expresion: str) -> set[str]:
    """The variable names a formula reads (FormulaError if it is not an allowed formula)."""
    tree = parse_formula(expresion)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _decimal_constant(node: ast.Constant) -> Decimal:
    return Decimal(repr(node.value))


def _evaluate(expresion: str, names: dict[str, Decimal]) -> Decimal:
    tree = parse_formula(expresion)
    operators = {**_BINARY_OPS, **_UNARY_OPS, **_COMPARE_OPS}
    evaluator = SimpleEval(operators=operators, functions={}, names=names)
    evaluator.nodes[ast.Constant] = _decimal_constant
    result = evaluator.eval(expresion, previously_parsed=tree.body)
    if not isinstance(result, Decimal | int):  # bool (a bare comparison) counts as 1 or 0
        raise FormulaError(f"La fórmula «{expresion}» no da un importe.")
    return Decimal(result)


def numeric_answer(answers: Mapping[str, Any], clave: str) -> Decimal:
    """A numeric campo's cleaned value as Decimal; a missing or empty answer counts as 0."""
    raw = answers.get(clave)
    if raw is None or raw == "":
        return Decimal("0")
    if isinstance(raw, bool):
        raise VentanillaError(f"El dato «{clave}» debe ser un número para calcular el cobro.")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise VentanillaError(
            f"El dato «{clave}» debe ser un número para calcular el cobro."
        ) from exc
    if not value.is_finite():
        raise VentanillaError(f"El dato «{clave}» debe ser un número para calcular el cobro.")
    return value


def _tramo_amount(regla: ReglaTramos, answers: Mapping[str, Any]) -> Decimal:
    value = numeric_answer(answers, regla.campo)
    for tramo in regla.tramos:
        if tramo.hasta is None or value <= tramo.hasta:
            return tramo.monto
    raise VentanillaError(
        f"El valor {value} de «{regla.campo}» excede el último tramo de la tarifa; "
        "avise al administrador para actualizar la configuración."
    )


def _numeric_names(tramite: TramiteDef, answers: Mapping[str, Any]) -> dict[str, Decimal]:
    return {c.clave: numeric_answer(answers, c.clave) for c in tramite.campos if c.tipo == "numero"}


def _raw_amount(cobro: Cobro, tramite: TramiteDef, answers: Mapping[str, Any],
                uma_diaria: Decimal) -> Decimal:
    regla = cobro.regla
    if isinstance(regla, ReglaFijo):
        return regla.monto
    if isinstance(regla, ReglaPorUnidad):
        return numeric_answer(answers, regla.campo) * regla.monto_unitario
    if isinstance(regla, ReglaUma):
        return regla.factor * uma_diaria
    if isinstance(regla, ReglaTramos):
        return _tramo_amount(regla, answers)
    assert isinstance(regla, ReglaFormula)
    names = {**_numeric_names(tramite, answers), UMA_NAME: uma_diaria}
    try:
        return _evaluate(regla.expresion, names)
    except FormulaError:
        raise
    except Exception as exc:  # simpleeval and Decimal raise many kinds; all mean "cannot compute"
        raise FormulaError(
            f"No se pudo calcular el cobro «{cobro.concepto}»: la fórmula falló con estos datos "
            "(por ejemplo, una división entre cero). Revise los datos capturados."
        ) from exc


def compute_line(cobro: Cobro, tramite: TramiteDef, answers: Mapping[str, Any],
                 uma_diaria: Decimal) -> CobroLine:
    try:
        importe = to_centavos(_raw_amount(cobro, tramite, answers, uma_diaria))
    except InvalidOperation as exc:
        raise VentanillaError(
            f"El importe de «{cobro.concepto}» está fuera de rango; revise los datos capturados."
        ) from exc
    if importe < 0:
        raise VentanillaError(
            f"El cobro «{cobro.concepto}» da un importe negativo ({importe}); revise los datos "
            "capturados."
        )
    return CobroLine(cobro.concepto, cobro.cri, importe)


def compute_cobros(tramite: TramiteDef, cleaned_answers: Mapping[str, Any],
                   uma_diaria: Decimal) -> list[CobroLine]:
    """One line per cobro with a non-zero importe, in the trámite's order."""
    lines = (compute_line(c, tramite, cleaned_answers, uma_diaria) for c in tramite.cobros)
    return [line for line in lines if line.importe != 0]
