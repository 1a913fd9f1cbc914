"""The app's canonical bytes (desktop/canonical.py) and the wire contract (sync/protocol.py) agree.

A receipt signed at the window is verified by central's /v/ page, and an expediente hashed at the
window is compared with central's hash: one differing byte would make every receipt "falso" and
every push a sha256 mismatch.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop import canonical
from sync import protocol

PAYLOADS = [
    {},
    {"nombre": "José Peña Núñez", "curp": "PENJ800101HSRXXX09"},
    {"b": [3, 1, {"z": None, "a": True}], "a": 1.5, "ñ": "año"},
    {"total": Decimal("1234.50"), "emoji": "✓", "texto": "línea\nsalto \"comillas\""},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_canonical_json_and_hash_agree(payload: dict) -> None:
    assert canonical.canonical_json(payload) == protocol.canonical_json(payload)
    assert canonical.payload_sha256(payload) == protocol.payload_sha256(payload)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_receipt_message_and_path_agree() -> None:
    args = ("HMO-V01-2026-000001", "1234.50", "2026-11-26", "ab" * 32)
    assert canonical.receipt_message(*args) == protocol.receipt_message(*args)
    assert canonical.RECEIPT_PATH_PREFIX == protocol.RECEIPT_PATH_PREFIX
