"""How Ventanilla writes money, dates and plazos in es-MX, on screen, on paper and in the CLI.

A leaf package: it imports nothing from the project, so ui/, printing/, desktop/ and main.py can
all use it, and there is one rounding rule (half-up to centavos) and one wording for each fact.
"""

from formatting.archivo import format_archivo_origen
from formatting.dates import (
    format_date,
    format_date_long,
    format_datetime,
    format_datetime_long,
    format_time,
    parse_date,
)
from formatting.money import CENTAVO, amount_in_words, format_money, to_centavos
from formatting.plazos import format_plazo
from formatting.referencias import group_referencia

__all__ = [
    "CENTAVO", "amount_in_words", "format_archivo_origen", "format_date", "format_date_long",
    "format_datetime", "format_datetime_long", "format_money", "format_plazo", "format_time",
    "group_referencia", "parse_date",
    "to_centavos",
]
