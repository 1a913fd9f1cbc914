"""Money as the counter shows it: $1,234.50."""

from __future__ import annotations

from decimal import Decimal


def pesos(amount: Decimal) -> str:
    return f"${amount:,.2f}"
