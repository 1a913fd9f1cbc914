"""Plazo de resolución in working days, written the same on screen and on paper."""

from __future__ import annotations


def format_plazo(dias: int) -> str:
    """`0` → `Inmediato` (resolved at the counter), `1` → `1 día hábil`, `10` → `10 días hábiles`.

    The text stands on its own after a label ("Plazo de resolución: Inmediato"), hence the
    capital letter; a number starts every other wording.
    """
    if dias <= 0:
        return "Inmediato"
    return "1 día hábil" if dias == 1 else f"{dias} días hábiles"
