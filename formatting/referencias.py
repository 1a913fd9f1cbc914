"""A referencia de pago written for reading aloud and copying: groups of four characters."""

from __future__ import annotations


def group_referencia(referencia: str, size: int = 4) -> str:
    """`OFIV03202600012356` → `OFIV 0320 2600 0123 56`."""
    return " ".join(referencia[i:i + size] for i in range(0, len(referencia), size))
