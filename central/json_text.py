"""The JSON text the engine writes for JSON columns, reusing text a push already encoded.

A push hashes each payload's canonical JSON; the same payload is then stored twice (the
expediente and the change other windows pull). `reusing()` lets the apply say "this dict's text is
these bytes" so the engine's serializer writes them instead of encoding the dict again (twice).
Canonical JSON is plain JSON, so readers see the same values. Per thread: a push applies in one
worker thread, and nothing else serialises there meanwhile.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_local = threading.local()


def dumps(value: Any) -> str:
    """The engine's json_serializer: the text noted for this very object, else json.dumps."""
    texts: dict[int, tuple[Any, str]] | None = getattr(_local, "texts", None)
    if texts:
        hit = texts.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
    return json.dumps(value)


@contextmanager
def reusing() -> Iterator[dict[int, tuple[Any, str]]]:
    """A scope in which `note(texts, value, text)` makes `dumps(value)` return `text`."""
    texts: dict[int, tuple[Any, str]] = {}
    _local.texts = texts
    try:
        yield texts
    finally:
        _local.texts = None


def note(texts: dict[int, tuple[Any, str]], value: Any, text: bytes) -> None:
    texts[id(value)] = (value, text.decode("utf-8"))
