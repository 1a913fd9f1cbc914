"""CURP and RFC checkers on top of python-stdnum, with the cases stdnum does not cover.

stdnum.mx.curp rejects the sex letter "X" (no binario, issued by RENAPO since 2023): such a CURP is
checked with "H" in its place for the structure and with the real letter for the check digit.
RFC check digits are wrong on a share of real RFCs (stdnum disables that check by default), so a
mismatch is a warning. The SAT's generic RFCs (público en general, extranjeros) are accepted.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from desktop.bundles.schema import Campo
from desktop.capture.validators.check import FieldCheck, compact, invalid, valid

GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})
_CURP_SHAPE = re.compile(r"^[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]$", re.ASCII)
_SEX_POSITION = 10


def check_curp(campo: Campo, raw: str) -> FieldCheck:
    number = compact(raw)
    if len(number) != 18:
        return invalid(f"La CURP debe tener 18 caracteres (tiene {len(number)}).")
    if not _CURP_SHAPE.fullmatch(number):
        return invalid("La CURP no tiene el formato correcto (4 letras, 6 dígitos de la fecha "
                       "de nacimiento, sexo H, M o X, 5 letras, 2 caracteres).")
    structural = number[:_SEX_POSITION] + "H" + number[_SEX_POSITION + 1:]
    try:
        stdnum_curp.validate(structural, validate_check_digits=False)
    except ValidationError:
        return invalid("La CURP tiene una fecha de nacimiento o una entidad federativa que no "
                       "existen; revísela contra el documento.")
    if number[-1] != stdnum_curp.calc_check_digit(number):
        return invalid("El dígito verificador de la CURP no coincide; revise que esté bien "
                       "escrita.")
    return valid(number)


def check_rfc(campo: Campo, raw: str) -> FieldCheck:
    number = compact(raw)
    if number in GENERIC_RFCS:
        return valid(number)
    if len(number) not in (12, 13):
        return invalid("El RFC debe tener 12 caracteres (persona moral) o 13 (persona física), "
                       "con homoclave.")
    try:
        stdnum_rfc.validate(number, validate_check_digits=False)
    except InvalidComponent:
        return invalid("La fecha del RFC no existe o sus letras no son válidas.")
    except ValidationError:
        return invalid("El RFC no tiene el formato correcto.")
    try:
        stdnum_rfc.validate(number, validate_check_digits=True)
    except (InvalidChecksum, InvalidComponent):
        return valid(number, warning="La homoclave del RFC no coincide con su dígito "
                     "verificador; confírmela con la constancia de situación fiscal.")
    return valid(number)
