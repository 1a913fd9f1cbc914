"""Checkers for contact data: código postal, teléfono (10 digits, Mexico), correo electrónico."""

from __future__ import annotations

import re

from desktop.bundles.schema import Campo
from desktop.capture.validators.check import FieldCheck, invalid, valid

_DIGITS = re.compile(r"^[0-9]+$", re.ASCII)
_PHONE_SEPARATORS = " -.()/"
_EMAIL = re.compile(
    r"^(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$",
    re.ASCII,
)
MAX_EMAIL = 254


def check_cp(campo: Campo, raw: str) -> FieldCheck:
    number = raw.replace(" ", "")
    if len(number) != 5 or not _DIGITS.fullmatch(number) or number.startswith("00"):
        return invalid("El código postal debe tener 5 dígitos (por ejemplo 83000).")
    return valid(number)


def _national_number(raw: str) -> str:
    number = "".join(c for c in raw if c not in _PHONE_SEPARATORS)
    international = number.startswith("+")
    number = number.removeprefix("+")
    if international and not number.startswith("52"):
        return ""  # a foreign number
    if number.startswith("521") and len(number) == 13:
        return number[3:]  # old mobile prefix
    if number.startswith("52") and (international or len(number) == 12):
        return number[2:]
    return number


def check_telefono(campo: Campo, raw: str) -> FieldCheck:
    number = _national_number(raw)
    if len(number) != 10 or not _DIGITS.fullmatch(number) or number[0] == "0":
        return invalid("El teléfono debe tener 10 dígitos (por ejemplo 662 123 4567).")
    return valid(number)


def check_email(campo: Campo, raw: str) -> FieldCheck:
    match = _EMAIL.fullmatch(raw)
    if len(raw) > MAX_EMAIL or match is None:
        return invalid("Escriba un correo electrónico válido (por ejemplo nombre@dominio.mx).")
    return valid(f"{match['local']}@{match['domain'].lower()}")
