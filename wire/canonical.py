"""Canonical JSON: the one serialisation that hashes and signatures are computed over.

Sorted keys, no spaces, UTF-8 (not \\u escapes). Only plain JSON values are accepted: dicts with
str keys, lists (tuples are written as lists), str, int, bool, None and finite floats. Anything
else — Decimal, date, datetime, sets, custom objects, NaN, Infinity — raises TypeError: its bytes
would depend on a str() or on iteration order, so the caller converts it explicitly first (money
as a "123.45" string, dates with isoformat(), a pydantic model with model_dump(mode="json")).
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import math
from collections.abc import Callable
from typing import Any

_SCALARS = (str, int, bool, type(None))


def _refuse(value: object, where: str) -> TypeError:
    kind = type(value).__name__
    return TypeError(f"canonical_json: {kind} at {where} has no canonical form; convert it first")


def _check(value: object, where: str = "$") -> None:
    """Raise TypeError at the first value that is not plain, finite JSON."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _refuse(key, f"{where} (key)")
            _check(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]")
    elif not isinstance(value, _SCALARS):
        raise _refuse(value, where)


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of `value`; TypeError when it is not plain JSON (see module doc)."""
    _check(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def payload_sha256(payload: dict[str, Any]) -> str:
    """Hex sha256 of the canonical bytes: what outbox rows and content hashes carry."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


# One encoder for canonical_split: json.dumps with options builds a new one on every call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False)


def _not_json(value: object) -> object:
    raise TypeError(f"canonical_json: {type(value).__name__} has no canonical form")


def _c_encoder() -> Callable[[Any], str] | None:
    """CPython's C encoder with _ENCODER's options, called directly: JSONEncoder.encode builds
    one (and a dict for cycle checks) on every call, a third of the cost of a 1 KB payload.
    Without cycle checks, which JSON a parser produced cannot have. None where there is no C
    encoder (then _ENCODER.encode)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    encode = make(None, _not_json, json.encoder.encode_basestring, None, ":", ",", True,
                  False, False)
    return lambda value: "".join(encode(value, 0))


_encode: Callable[[Any], str] = _c_encoder() or _ENCODER.encode


def canonical_split(parsed: dict[str, Any], key: str) -> tuple[bytes, bytes]:
    """(canonical_json(parsed), canonical_json(parsed without `key`)), encoding each value once,
    for a dict that json.loads produced (str keys, plain JSON values only: the type walk of
    canonical_json is skipped, so nothing else may get here). NaN and Infinity still raise
    TypeError. Sorted keys put the entries before `key` first and those after it last."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in parsed.items():
        if name < key:
            before[name] = value
        elif name > key:
            after[name] = value
    try:
        head = _encode(before)[:-1]  # "{…" ("{" when empty)
        tail = _encode(after)[1:]  # "…}" ("}" when empty)
        entry = f"{_ENCODER.encode(key)}:{_encode(parsed[key])}" if key in parsed else ""
    except ValueError as exc:  # NaN or Infinity, which json.loads accepts
        raise TypeError("canonical_json: NaN or Infinity has no canonical form") from exc
    without = head + ("," if len(head) > 1 and len(tail) > 1 else "") + tail
    if not entry:
        return (encoded := without.encode("utf-8")), encoded
    full = (head + ("," if len(head) > 1 else "") + entry + ("," if len(tail) > 1 else "")
            + tail)
    return full.encode("utf-8"), without.encode("utf-8")
