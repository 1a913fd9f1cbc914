"""The outcome of checking one field: the cleaned value, or a Spanish error, maybe a warning."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldCheck:
    """`value` is the cleaned JSON value (None when empty or wrong); `warning` does not block."""

    value: Any
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def valid(value: Any, warning: str | None = None) -> FieldCheck:
    return FieldCheck(value, None, warning)


def invalid(error: str) -> FieldCheck:
    return FieldCheck(None, error, None)


def fold(text: str) -> str:
    """Lower-case without accents, for lenient comparisons ("Sí" == "si")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def has_control_character(text: str) -> bool:
    """True when `text` holds a control character other than a newline or a tab (a NUL, an
    escape): what a typed text never holds, and what the platform refuses."""
    return any(ord(c) < 32 and c not in "\n\t" for c in text)


def compact(raw: str, strip_chars: str = " -") -> str:
    """Upper-case with spaces and separators removed (CURP, RFC)."""
    return "".join(c for c in raw if c not in strip_chars and not c.isspace()).upper()
