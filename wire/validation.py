"""Pydantic validation errors in Spanish, for the people who read a rejection or a refusal.

One place for the wording, used by the platform (rejected mutations, 422 answers) and the window
(changes set aside on pull, input files).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# Loc parts pydantic adds for the members of a union or for validator functions: not field names.
_NOISE = {"str", "int", "float", "bool", "none", "list", "dict", "constrained-str"}


def _reason(error: Any) -> str:
    limits = error.get("ctx") or {}
    reasons = {
        "missing": "falta",
        "extra_forbidden": "no se esperaba",
        "string_type": "debe ser texto",
        "int_type": "debe ser un número entero",
        "int_parsing": "debe ser un número entero",
        "float_type": "debe ser un número",
        "float_parsing": "debe ser un número",
        "bool_type": "debe ser true o false",
        "bool_parsing": "debe ser true o false",
        "dict_type": "debe ser un objeto JSON",
        "model_type": "debe ser un objeto JSON",
        "list_type": "debe ser una lista",
        "datetime_parsing": "debe ser una fecha y hora ISO 8601",
        "datetime_type": "debe ser una fecha y hora ISO 8601",
        "date_parsing": "debe ser una fecha ISO 8601 (aaaa-mm-dd)",
        "string_pattern_mismatch": "no tiene el formato esperado",
        "string_too_long": f"admite a lo más {limits.get('max_length')} caracteres",
        "string_too_short": f"requiere al menos {limits.get('min_length')} caracteres",
        "too_long": f"admite a lo más {limits.get('max_length')} elementos",
        "too_short": f"requiere al menos {limits.get('min_length')} elementos",
        "greater_than_equal": f"debe ser mayor o igual a {limits.get('ge')}",
        "greater_than": f"debe ser mayor que {limits.get('gt')}",
        "less_than_equal": f"debe ser menor o igual a {limits.get('le')}",
        "less_than": f"debe ser menor que {limits.get('lt')}",
        "literal_error": f"debe ser uno de: {limits.get('expected')}",
        "enum": f"debe ser uno de: {limits.get('expected')}",
        "json_invalid": "no es JSON válido",
        "finite_number": "debe ser un número finito",
    }
    if error.get("type") in reasons:
        return reasons[error["type"]]
    message = str(error.get("msg", "inválido"))
    return message.removeprefix("Value error, ") if message.startswith("Value error, ") else (
        "no es válido")


def where(error: Any) -> str:
    """The dotted path of the field an error is about ("cobros.0.importe")."""
    parts = [str(p) for p in error.get("loc", ()) if str(p) not in _NOISE
             and not str(p).startswith("function-")]
    return ".".join(parts)


def spanish_errors(errors: list[Any]) -> dict[str, str]:
    """Field path → Spanish reason, the first reason per field, in pydantic's order."""
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(where(error) or "datos", _reason(error))
    return found


def spanish_summary(exc: ValidationError, limit: int = 3) -> str:
    """'campo: razón; otro: razón (y N más)' for a validation error."""
    found = spanish_errors(exc.errors())
    text = "; ".join(f"{field}: {reason}" for field, reason in list(found.items())[:limit])
    extra = len(found) - limit
    return text + (f" (y {extra} más)" if extra > 0 else "")
