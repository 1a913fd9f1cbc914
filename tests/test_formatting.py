"""Money, dates and plazos exactly as es-MX readers expect them, from the one formatting module."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formatting import (
    amount_in_words,
    format_date,
    format_date_long,
    format_datetime,
    format_datetime_long,
    format_money,
    format_plazo,
    format_time,
    to_centavos,
)


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "CERO PESOS 00/100 M.N."),
    ("0.50", "CERO PESOS 50/100 M.N."),
    ("1", "UN PESO 00/100 M.N."),
    ("1.01", "UN PESO 01/100 M.N."),
    ("2", "DOS PESOS 00/100 M.N."),
    ("21", "VEINTIÚN PESOS 00/100 M.N."),
    ("31.10", "TREINTA Y UN PESOS 10/100 M.N."),
    ("100", "CIEN PESOS 00/100 M.N."),
    ("101", "CIENTO UN PESOS 00/100 M.N."),
    ("1000", "MIL PESOS 00/100 M.N."),
    ("1001", "MIL UN PESOS 00/100 M.N."),
    ("1234.50", "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N."),
    ("21000", "VEINTIÚN MIL PESOS 00/100 M.N."),
    ("101000", "CIENTO UN MIL PESOS 00/100 M.N."),
    ("1000000", "UN MILLÓN DE PESOS 00/100 M.N."),
    ("1000001", "UN MILLÓN UN PESOS 00/100 M.N."),
    ("1500000", "UN MILLÓN QUINIENTOS MIL PESOS 00/100 M.N."),
    ("2000000.99", "DOS MILLONES DE PESOS 99/100 M.N."),
    ("21000000", "VEINTIÚN MILLONES DE PESOS 00/100 M.N."),
    ("1000000000", "MIL MILLONES DE PESOS 00/100 M.N."),
    ("0.005", "CERO PESOS 01/100 M.N."),  # half-up to centavos
    ("0.125", "CERO PESOS 13/100 M.N."),
    ("1000000.50", "UN MILLÓN DE PESOS 50/100 M.N."),
    ("999.995", "MIL PESOS 00/100 M.N."),
])
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "figures"), [
    ("0", "$0.00"), ("1234.5", "$1,234.50"), ("1000000", "$1,000,000.00"),
    ("0.005", "$0.01"), ("0.125", "$0.13"), ("0.135", "$0.14"), ("2.675", "$2.68"),
    ("-10", "-$10.00"), ("-0.125", "-$0.13"), ("-0.004", "$0.00"),
    ("123456789.995", "$123,456,790.00"), ("98765432101.5", "$98,765,432,101.50"),
])
def test_format_money(amount: str, figures: str) -> None:
    assert format_money(Decimal(amount)) == figures


def test_negative_amount_in_words_is_refused() -> None:
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))


@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2))
def test_words_never_say_uno_or_un_mil_and_always_end_with_centavos(amount: Decimal) -> None:
    words = amount_in_words(amount)
    tokens = words.split()
    assert "UNO" not in tokens and "VEINTIUNO" not in tokens
    assert not words.startswith("UN MIL ")
    assert words.endswith(f"{int(amount * 100) % 100:02d}/100 M.N.")


@pytest.mark.parametrize(("amount", "centavos"), [
    ("0.125", "0.13"), ("0.005", "0.01"), ("0.004", "0.00"), ("-0.125", "-0.13"), ("7", "7.00"),
])
def test_to_centavos_rounds_half_up_away_from_zero(amount: str, centavos: str) -> None:
    assert str(to_centavos(Decimal(amount))) == centavos


def test_documents_write_dates_with_month_names() -> None:
    assert format_date_long(date(2026, 11, 23)) == "23 de noviembre de 2026"
    assert format_datetime_long(datetime(2026, 11, 23, 10, 42)) == "23 de noviembre de 2026, 10:42"
    assert format_datetime_long(datetime(2027, 1, 5, 9, 3)) == "5 de enero de 2027, 09:03"


def test_screens_and_cli_write_dates_as_dd_mm_aaaa() -> None:
    assert format_date(date(2027, 1, 5)) == "05/01/2027"
    assert format_datetime(datetime(2027, 1, 5, 9, 3)) == "05/01/2027 09:03"
    assert format_datetime(datetime(2026, 12, 31, 23, 59)) == "31/12/2026 23:59"
    assert format_time(datetime(2026, 12, 31, 7, 5)) == "07:05"


@pytest.mark.parametrize(("dias", "plazo"), [
    (0, "Inmediato"), (-1, "Inmediato"), (1, "1 día hábil"), (10, "10 días hábiles"),
    (15, "15 días hábiles"),
])
def test_plazos(dias: int, plazo: str) -> None:
    assert format_plazo(dias) == plazo
