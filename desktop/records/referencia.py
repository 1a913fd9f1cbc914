"""Línea de captura (referencia de pago) of an orden de pago, and finding a folio by it.

The referencia is the folio's letters and digits, separators dropped, followed by two check
digits from ISO 7064 MOD 97-10 — the check of IBAN (ISO 13616) and of the ISO 11649 creditor
reference — computed by python-stdnum (`stdnum.iso7064.mod_97_10`): letters count as 10-35, the
whole number with the two digits appended leaves remainder 1 when divided by 97. Folio
OFI-V03-2026-000123 → OFIV03202600012356 (printed "OFIV 0320 2600 0123 56"). It catches every
single wrong character and every swap of two neighbours, so a typed or misread referencia is
refused instead of finding another citizen's folio.

A referencia is found by the folios it can stand for (`candidate_folios`). It depends only on
the folio, which never changes, so every copy of the orden de pago carries
the same referencia. A folio always ends in AÑO-NNNNNN, so a referencia ends in 12 digits: that
shape tells it apart from a CURP, an RFC or a name in a search box.
"""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_97_10

from desktop.errors import VentanillaError

_SHAPE = re.compile(r"^[A-Z0-9]*[A-Z][A-Z0-9]*[0-9]{12}$")
_SPACES = re.compile(r"\s+")


def folio_body(folio: str) -> str:
    """The folio's letters and digits, upper-cased: what the check digits protect."""
    return re.sub(r"[^A-Z0-9]", "", folio.upper())


def referencia_for(folio: str) -> str:
    body = folio_body(folio)
    return body + mod_97_10.calc_check_digits(body)


def normalize(text: str) -> str:
    """What was typed or scanned, without the spaces it is printed with, upper-cased. Dashes
    stay: a folio (with its dashes) is never taken for a referencia."""
    return _SPACES.sub("", text).upper()


def looks_like_referencia(text: str) -> bool:
    """Shaped like a referencia (letters and digits ending in 12 digits), valid or not."""
    return bool(_SHAPE.match(normalize(text)))


def referencia_problem(text: str) -> str | None:
    """Why `text` is not a valid referencia, in Spanish; None when it is one."""
    cleaned = normalize(text)
    if not looks_like_referencia(cleaned):
        return (f"«{text.strip()}» no es una referencia de pago: son letras y números que "
                "terminan en 12 dígitos, como aparece en la orden de pago.")
    if not mod_97_10.is_valid(cleaned):
        return (f"La referencia {cleaned} no es válida: sus dígitos verificadores no "
                "corresponden. Revise que esté completa y sin errores de captura.")
    return None


def parse_referencia(text: str) -> str:
    """The folio body a referencia stands for; a Spanish error when its check digits fail."""
    problem = referencia_problem(text)
    if problem is not None:
        raise VentanillaError(problem)
    return normalize(text)[:-2]


def candidate_folios(body: str) -> list[str]:
    """Every folio OFICINA-VENTANILLA-AÑO-NNNNNN whose body is `body`: one per place the
    oficina can end, so a look-up is an IN over the folio's unique index, not a table scan."""
    prefix, year, number = body[:-10], body[-10:-6], body[-6:]
    return [f"{prefix[:cut]}-{prefix[cut:]}-{year}-{number}" for cut in range(1, len(prefix))]
