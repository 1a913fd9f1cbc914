"""Checkers for the general field types: texto, numero, fecha, seleccion, booleano, archivo,
clave_catastral. Each takes the campo and a non-empty, stripped string."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.bundles.schema import Campo
from desktop.capture.validators.check import (
    FieldCheck,
    fold,
    has_control_character,
    invalid,
    valid,
)

DEFAULT_MAX_TEXT = 2000
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 6
MIN_YEAR, MAX_YEAR = 1900, 2100

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DMY_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$", re.ASCII)
_SHA256 = re.compile(r"^[0-9a-f]{64}$", re.ASCII)
_TRUE_WORDS = frozenset({"si", "s", "true", "verdadero", "1", "x", "yes"})
_FALSE_WORDS = frozenset({"no", "n", "false", "falso", "0"})


def check_texto(campo: Campo, raw: str) -> FieldCheck:
    raw = unicodedata.normalize("NFC", raw)  # one spelling of "José" for search and hashes
    limit = campo.max_longitud or DEFAULT_MAX_TEXT
    if len(raw) > limit:
        return invalid(f"Máximo {limit} caracteres (tiene {len(raw)}).")
    if has_control_character(raw):
        return invalid("El texto contiene caracteres no permitidos.")
    return valid(raw)


def _parse_number(raw: str) -> Decimal | None:
    text = raw.replace(" ", "").removeprefix("$")
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(text):
        return None
    integer, _, fraction = text.lstrip("+-").partition(".")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value != 0 else Decimal(0)  # no "-0"


def check_numero(campo: Campo, raw: str) -> FieldCheck:
    value = _parse_number(raw)
    if value is None:
        return invalid("Escriba un número (por ejemplo 120 o 120.50).")
    if campo.minimo is not None and value < campo.minimo:
        return invalid(f"El valor mínimo es {campo.minimo}.")
    if campo.maximo is not None and value > campo.maximo:
        return invalid(f"El valor máximo es {campo.maximo}.")
    return valid(str(value))


def check_fecha(campo: Campo, raw: str) -> FieldCheck:
    iso, dmy = _ISO_DATE.fullmatch(raw), _DMY_DATE.fullmatch(raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        return invalid("Escriba la fecha como DD/MM/AAAA (por ejemplo 31/01/2026).")
    if not MIN_YEAR <= year <= MAX_YEAR:
        return invalid(f"El año debe estar entre {MIN_YEAR} y {MAX_YEAR}.")
    try:
        return valid(date(year, month, day).isoformat())
    except ValueError:
        return invalid("Esa fecha no existe; revise el día y el mes.")


def check_seleccion(campo: Campo, raw: str) -> FieldCheck:
    for opcion in campo.opciones:
        if raw == opcion.valor:
            return valid(opcion.valor)
    wanted = fold(raw)
    for opcion in campo.opciones:
        if wanted in (fold(opcion.valor), fold(opcion.etiqueta)):
            return valid(opcion.valor)
    labels = ", ".join(o.etiqueta for o in campo.opciones)
    return invalid(f"Elija una de las opciones: {labels}.")


def check_booleano(campo: Campo, raw: str) -> FieldCheck:
    word = fold(raw)
    if word in _TRUE_WORDS:
        return valid(True)
    if word in _FALSE_WORDS:
        return valid(False)
    return invalid("Responda sí o no.")


def check_archivo(campo: Campo, raw: str) -> FieldCheck:
    if not _SHA256.fullmatch(raw.lower()):
        return invalid("El archivo adjunto no es válido; vuelva a adjuntarlo.")
    return valid(raw.lower())


def check_clave_catastral(raw: str, patron: str) -> FieldCheck:
    try:
        matches = re.fullmatch(patron, raw, flags=re.ASCII) is not None  # \d = 0-9 only
    except re.error:
        return invalid("El formato de clave catastral del municipio no es válido; avise al "
                       "administrador.")
    if not matches:
        return invalid("La clave catastral no tiene el formato del municipio; cópiela del "
                       "recibo predial.")
    return valid(raw)
