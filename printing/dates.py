"""Dates as es-MX documents write them: "23 de noviembre de 2026, 10:42"."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def format_date_es(value: date) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def format_datetime_es(value: datetime) -> str:
    return f"{format_date_es(value)}, {value:%H:%M}"


def format_plazo(dias: int) -> str:
    """Plazo de resolución in working days; 0 means the trámite resolves at the counter."""
    if dias <= 0:
        return "Inmediato"
    return f"{dias} día{'s' if dias != 1 else ''} hábil{'es' if dias != 1 else ''}"
