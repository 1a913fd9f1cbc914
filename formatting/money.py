"""Money in es-MX: `$1,234.50` in figures and `MIL ... PESOS 50/100 M.N.` in words.

Every amount is rounded half-up to centavos first (0.125 → 0.13), on screen and on paper alike.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENTAVO = Decimal("0.01")
_UNO = re.compile(r"\buno\b")
_VEINTIUNO = re.compile(r"\bveintiuno\b")
_ENDS_IN_MILLIONS = re.compile(r"\b(millón|millones|billón|billones)$")


def to_centavos(amount: Decimal) -> Decimal:
    """Round half-up to centavos, the only precision money has: 0.125 → 0.13, 0.005 → 0.01."""
    return amount.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """`Decimal("1234.5")` → `$1,234.50`; negatives as `-$10.00`."""
    value = to_centavos(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _pesos_words(pesos: int) -> str:
    """Integer part in words with the apocope a noun needs: "un peso", "veintiún", "un millón"."""
    from num2words import num2words  # a large import: only documents write amounts in words

    words = str(num2words(pesos, lang="es"))
    words = _VEINTIUNO.sub("veintiún", words)
    words = _UNO.sub("un", words)
    return words


def amount_in_words(amount: Decimal) -> str:
    """`Decimal("1234.50")` → `MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N.`"""
    value = to_centavos(amount)
    if value < 0:
        raise ValueError("amount_in_words needs a non-negative amount")
    pesos = int(value)
    centavos = int((value - pesos) * 100)
    words = _pesos_words(pesos)
    if pesos == 1:
        noun = "peso"
    elif _ENDS_IN_MILLIONS.search(words):
        noun = "de pesos"  # "un millón de pesos", but "un millón cien mil pesos"
    else:
        noun = "pesos"
    return f"{words} {noun} {centavos:02d}/100 M.N.".upper()
