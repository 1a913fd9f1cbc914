"""Días hábiles: the date a plazo falls due (the acuse's "fecha compromiso").

A día hábil is a weekday that is neither a federal mandatory rest day (Ley Federal del Trabajo,
art. 74) nor one of the municipality's días inhábiles (the bundle's `dias_inhabiles`). A plazo of
N días hábiles counts N such days after the capture date; "Inmediato" (0) is the capture date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# Since the 2024 reform the federal executive changes on 1 October (2024, 2030, 2036, …);
# before it, on 1 December (…, 2012, 2018).
TRANSMISION_OCTOBER_FROM = 2024


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def federal_rest_days(year: int) -> set[date]:
    """The LFT art. 74 descansos obligatorios of `year` (electoral days excepted)."""
    days = {
        date(year, 1, 1),
        _nth_monday(year, 2, 1),   # 5 de febrero
        _nth_monday(year, 3, 3),   # 21 de marzo
        date(year, 5, 1),
        date(year, 9, 16),
        _nth_monday(year, 11, 3),  # 20 de noviembre
        date(year, 12, 25),
    }
    if year >= TRANSMISION_OCTOBER_FROM and (year - TRANSMISION_OCTOBER_FROM) % 6 == 0:
        days.add(date(year, 10, 1))
    elif year < TRANSMISION_OCTOBER_FROM and (TRANSMISION_OCTOBER_FROM - year) % 6 == 0:
        days.add(date(year, 12, 1))
    return days


def is_business_day(day: date, dias_inhabiles: Iterable[date] = ()) -> bool:
    return (day.weekday() < 5 and day not in federal_rest_days(day.year)
            and day not in set(dias_inhabiles))


def add_business_days(start: date, days: int, dias_inhabiles: Iterable[date] = ()) -> date:
    """The date `days` días hábiles after `start`; 0 days is `start` itself."""
    if days < 0:
        raise ValueError("a plazo cannot be negative")
    inhabiles = set(dias_inhabiles)
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current, inhabiles):
            remaining -= 1
    return current
