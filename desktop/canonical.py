"""Canonical bytes the app hashes and signs: expediente payloads, audit rows, bundles, receipts.

The same definitions live in `sync/protocol.py`, the wire contract that `central/` shares. They are
kept as two copies on purpose: `desktop/` must not import `sync/` (DESIGN §3), and `central/` must
not import `desktop/`. `tests/test_protocol_contract.py` proves the two copies agree byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

RECEIPT_PATH_PREFIX = "/v/"


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes); what hashes and signatures cover."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def payload_sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def receipt_message(folio: str, total: str, date: str, expediente_sha256: str) -> bytes:
    """The exact bytes a receipt QR signs: folio, total (2 decimals), ISO date, content hash."""
    return f"ventanilla-receipt/1|{folio}|{total}|{date}|{expediente_sha256}".encode()
