"""Dates in es-MX: "23/11/2026 10:42" on screen and in the CLI, "23 de noviembre de 2026, 10:42"
in documents."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def format_date(value: date) -> str:
    """`date(2027, 1, 5)` → `05/01/2027` (dd/mm/aaaa)."""
    return f"{value:%d/%m/%Y}"


def parse_date(text: str) -> date:
    """`05/01/2027` (dd/mm/aaaa, as screens write it) → `date(2027, 1, 5)`; ValueError, in
    Spanish, for anything else."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"«{text.strip()}» no es una fecha válida: escríbala como "
                         "dd/mm/aaaa (por ejemplo 05/01/2027).") from None


def format_time(value: datetime) -> str:
    """`datetime(2027, 1, 5, 9, 3)` → `09:03` (24-hour clock)."""
    return f"{value:%H:%M}"


def format_datetime(value: datetime) -> str:
    """`datetime(2027, 1, 5, 9, 3)` → `05/01/2027 09:03`."""
    return f"{format_date(value)} {format_time(value)}"


def format_date_long(value: date) -> str:
    """`date(2026, 11, 23)` → `23 de noviembre de 2026`, as documents write it."""
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def format_datetime_long(value: datetime) -> str:
    """`datetime(2026, 11, 23, 10, 42)` → `23 de noviembre de 2026, 10:42`; an aware value (the
    office's wall clock, formatting.office_time) also names its offset: `…, 10:42 (UTC-7)`."""
    return f"{format_date_long(value)}, {format_time(value)}{_offset(value)}"


def _offset(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f" (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"
