"""Field validation of a trámite's answers, shared by the UI (as you type) and capture.

Raw values arrive as strings (booleano may also be a bool; numero may also be int/Decimal).
Cleaned values are JSON: texto str (trimmed), numero str of a Decimal, fecha "YYYY-MM-DD",
seleccion the option's valor, booleano bool, curp/rfc upper-case without separators, cp 5 digits,
telefono 10 digits, email with a lower-case domain, clave_catastral as typed (trimmed), archivo
the attached file's sha256 (lower-case hex).

Policy: an empty optional answer is left out of `cleaned`; a key the trámite does not define is
an error ("Este dato no corresponde al trámite."), so a typo on the CLI or a stale draft is never
dropped silently. A booleano marked requerido must be answered (sí or no), not necessarily sí.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.bundles.schema import Campo, TipoCampo, TramiteDef
from desktop.capture.validators.basic import (
    check_archivo,
    check_booleano,
    check_clave_catastral,
    check_fecha,
    check_numero,
    check_seleccion,
    check_texto,
)
from desktop.capture.validators.check import FieldCheck, invalid, valid
from desktop.capture.validators.contact import check_cp, check_email, check_telefono
from desktop.capture.validators.identity import check_curp, check_rfc

__all__ = ["FieldCheck", "ValidationResult", "validate_answers", "validate_field"]

REQUIRED = "Este dato es obligatorio."
UNKNOWN_FIELD = "Este dato no corresponde al trámite."
WRONG_TYPE = "Valor no válido para este dato."

_CHECKERS: dict[TipoCampo, Callable[[Campo, str], FieldCheck]] = {
    "texto": check_texto,
    "numero": check_numero,
    "fecha": check_fecha,
    "seleccion": check_seleccion,
    "booleano": check_booleano,
    "curp": check_curp,
    "rfc": check_rfc,
    "cp": check_cp,
    "telefono": check_telefono,
    "email": check_email,
    "archivo": check_archivo,
}


@dataclass(frozen=True)
class ValidationResult:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_text(campo: Campo, raw: object) -> str | None:
    """The raw value as a string to check, or None if its Python type cannot be right."""
    if isinstance(raw, str):
        return raw
    if campo.tipo == "numero" and isinstance(raw, int | Decimal | float) and not isinstance(
        raw, bool
    ):
        return repr(raw) if isinstance(raw, float) else str(raw)
    return None


def validate_field(campo: Campo, raw: object, *, clave_catastral_patron: str) -> FieldCheck:
    """Check one answer; never raises for bad input (the message is in `error`)."""
    if campo.tipo == "booleano" and isinstance(raw, bool):
        return valid(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return invalid(REQUIRED) if campo.requerido else FieldCheck(None)
    text = _as_text(campo, raw)
    if text is None:
        return invalid(WRONG_TYPE)
    text = text.strip()
    if campo.tipo == "clave_catastral":
        return check_clave_catastral(text, clave_catastral_patron)
    return _CHECKERS[campo.tipo](campo, text)


def validate_answers(tramite: TramiteDef, answers: Mapping[str, Any], *,
                     clave_catastral_patron: str) -> ValidationResult:
    """Check every campo of the trámite; `cleaned` holds the valid, non-empty answers."""
    result = ValidationResult()
    known = {campo.clave for campo in tramite.campos}
    for clave in answers:
        if clave not in known:
            result.errors[str(clave)] = UNKNOWN_FIELD
    for campo in tramite.campos:
        check = validate_field(campo, answers.get(campo.clave),
                               clave_catastral_patron=clave_catastral_patron)
        if check.error is not None:
            result.errors[campo.clave] = check.error
        elif check.value is not None:
            result.cleaned[campo.clave] = check.value
        if check.warning is not None:
            result.warnings[campo.clave] = check.warning
    return result

