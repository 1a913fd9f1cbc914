"""The answers file of `capture --answers`: read and checked as a structure before anything else.

The file is `{"answers": {campo: valor}, "requisitos": [{"clave", "recibido", "nota"}],
"attachments": [{"path", "campo"}]}` (a bare `{campo: valor}` object is read as `answers`). A file
that does not fit (wrong shapes, numbers past any real amount, text that is not valid Unicode,
nesting deeper than a form has) is refused with a Spanish reason naming where it is wrong, before
a user is asked for a password or a byte is written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from desktop.bundles.schema import TramiteDef
from desktop.capture.service import RequisitoAnswer
from desktop.errors import VentanillaError
from desktop.user_file import read_user_file
from wire.validation import spanish_errors

MAX_FILE_BYTES = 2_000_000
MAX_NUMBER = 10**12  # larger than any quantity a trámite asks for; keeps totals in range
MAX_TEXT = 10_000

Valor = str | int | float | bool | None


def _checked_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contiene caracteres que no son texto válido") from exc
    if len(value) > MAX_TEXT:
        raise ValueError(f"excede {MAX_TEXT} caracteres")
    return value


def _checked_value(value: Valor) -> Valor:
    if isinstance(value, str):
        return _checked_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError("es un número fuera de rango")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RequisitoEntry(_Strict):
    clave: Annotated[str, Field(min_length=1, max_length=64)]
    recibido: StrictBool = True
    nota: Annotated[str, Field(max_length=500)] = ""


class AttachmentEntry(_Strict):
    path: Annotated[str, Field(min_length=1, max_length=4096)]
    campo: Annotated[str, Field(max_length=64)] | None = None


class CaptureFile(_Strict):
    answers: dict[Annotated[str, Field(max_length=64)], Valor]
    requisitos: list[RequisitoEntry] = []
    attachments: list[AttachmentEntry] = []

    @field_validator("answers")
    @classmethod
    def _values_in_range(cls, answers: dict[str, Valor]) -> dict[str, Valor]:
        bad = []
        for key, value in answers.items():
            try:
                _checked_value(value)
            except ValueError as exc:
                bad.append(f"«{key}» {exc}")
        if bad:
            raise ValueError("; ".join(bad))
        return answers


def read_capture_file(path: Path) -> CaptureFile:
    data = _load_json(path)
    if isinstance(data, dict) and "answers" not in data:
        data = {"answers": data}
    return parse_capture_data(data, f"El archivo de respuestas {path.name}")


def parse_capture_data(data: Any, where: str) -> CaptureFile:
    """One answers structure (a file, or a line of import-archivo) checked as such; `where`
    starts the Spanish refusal ("El archivo de respuestas x.json", "La línea 7")."""
    try:
        return CaptureFile.model_validate(data)
    except ValidationError as exc:
        raise VentanillaError(f"{where} no tiene la forma esperada: {_summary(exc)}.") from None


def requisito_answers(tramite: TramiteDef, given: list[RequisitoEntry],
                      where: str) -> list[RequisitoAnswer]:
    """The answer given for each of the trámite's requisitos; one missing or unknown is an error
    that names it (a paper left out is never taken as received). `where` says where it is
    ("En x.json", "En el registro")."""
    by_clave = {r.clave: r for r in given}
    missing = [f"«{r.clave}»" for r in tramite.requisitos if r.clave not in by_clave]
    known = {r.clave for r in tramite.requisitos}
    unknown = [f"«{clave}»" for clave in by_clave if clave not in known]
    if missing or unknown:
        parts = []
        if missing:
            which = "falta el requisito " if len(missing) == 1 else "faltan los requisitos "
            parts.append(which + ", ".join(missing) + " (indique para cada uno \"recibido\": "
                         "true, o false con una \"nota\" de lo que falta)")
        if unknown:
            parts.append(f"el trámite {tramite.homoclave} no pide " + ", ".join(unknown))
        raise VentanillaError(f"{where} {'; '.join(parts)}. Vea los requisitos con "
                              f"`python main.py tramites {tramite.homoclave}`.")
    return [RequisitoAnswer(r.clave, by_clave[r.clave].recibido, by_clave[r.clave].nota)
            for r in tramite.requisitos]


def _load_json(path: Path) -> Any:
    raw = read_user_file(path, f"el archivo de respuestas «{path}»", MAX_FILE_BYTES,
                         f"El archivo de respuestas {path.name} es demasiado grande.")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = "está anidado en exceso" if isinstance(exc, RecursionError) else _json_reason(exc)
        raise VentanillaError(
            f"El archivo de respuestas {path.name} no es JSON válido: {reason}."
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} no es un número válido")


def _json_reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "no está en UTF-8"
    if isinstance(exc, json.JSONDecodeError):
        return f"error en la línea {exc.lineno}, columna {exc.colno}"
    if "digits" in str(exc):
        return "contiene un número con demasiados dígitos"
    return str(exc)


def _summary(exc: ValidationError) -> str:
    found = spanish_errors(exc.errors())
    return "; ".join(f"{field}: {reason}" for field, reason in list(found.items())[:5])
