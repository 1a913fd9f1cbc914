"""Text that PostgreSQL would refuse: NUL characters and values longer than their column.

A value the database cannot store must be refused as a *permanent* error before it reaches SQL,
or the same push would fail with 5xx forever and block the machine's queue.
"""

from __future__ import annotations

import re

# An escaped U+0000 in JSON text: "\u0000" preceded by an even number of backslashes.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def json_has_nul(json_text: bytes) -> bool:
    """True when a string (or key) in this JSON text contains U+0000. Almost no text holds the
    six bytes `\\u0000` at all: a substring search answers those; the regex only tells an escaped
    NUL from an escaped backslash followed by "u0000" in the rare text that has them."""
    return b"\\u0000" in json_text and _JSON_NUL.search(json_text) is not None


def clean(text: str | None, limit: int) -> str | None:
    """`text` without NULs, cut to `limit` characters (for logs and bookkeeping columns)."""
    return None if text is None else text.replace("\x00", "")[:limit]
