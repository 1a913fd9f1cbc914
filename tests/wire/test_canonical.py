"""Canonical JSON: the exact bytes every hash and signature covers, and what it refuses."""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime
from decimal import Decimal

import pytest

from wire.canonical import canonical_json, payload_sha256

# A payload shaped like today's expediente.void; its bytes and hash must never change, or
# signatures, outbox rows and content hashes already stored stop verifying.
VOID = {"uuid": "0192f0c4-7d1e-7abc-8def-0123456789ab", "reason": "Captura duplicada: José Peña",
        "voided_by": "supervisor", "voided_at": "2026-11-26T10:15:00"}
VOID_BYTES = ('{"reason":"Captura duplicada: José Peña","uuid":"0192f0c4-7d1e-7abc-8def-'
              '0123456789ab","voided_at":"2026-11-26T10:15:00","voided_by":"supervisor"}')


def test_known_payload_has_known_bytes_and_hash() -> None:
    assert canonical_json(VOID) == VOID_BYTES.encode("utf-8")
    assert payload_sha256(VOID) == hashlib.sha256(VOID_BYTES.encode("utf-8")).hexdigest()
    assert payload_sha256(VOID) == (
        "30058ac436b33258018366b290690dde03d7d48ef5fd597f30b4c665aab5b644")


def test_nested_values_are_sorted_compact_and_utf8() -> None:
    value = {"b": [3, 1, {"z": None, "a": True}], "a": 1.5, "ñ": "año\n\"x\"", "t": (1, 2)}
    assert canonical_json(value) == (
        '{"a":1.5,"b":[3,1,{"a":true,"z":null}],"t":[1,2],"ñ":"año\\n\\"x\\""}'.encode())


class Opaque:
    def __str__(self) -> str:
        return "opaque"


@pytest.mark.parametrize("value", [
    {"tags": {"b", "a"}}, {"x": frozenset()}, {"total": Decimal("1.50")},
    {"on": date(2026, 1, 1)}, {"at": datetime(2026, 1, 1, 10)}, {"o": Opaque()},
    {"n": math.nan}, {"n": math.inf}, [-math.inf], {1: "int key"}, {"b": b"bytes"},
], ids=["set", "frozenset", "decimal", "date", "datetime", "object", "nan", "inf", "-inf",
        "int-key", "bytes"])
def test_values_without_one_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="no canonical form"):
        canonical_json(value)
