"""How a fee rule reads now lives in the leaf `catalogo.wording` (ARCHITECTURE §3, §8); the name
stays importable from here."""

from catalogo.wording import describe_cobro

__all__ = ["describe_cobro"]
