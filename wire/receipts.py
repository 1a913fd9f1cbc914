"""The receipt QR: one signer and one verifier, for the window and for the platform's /v/ page.

The URL is {base}/v/{machine_id}/{folio}?t=TOTAL&d=YYYY-MM-DD&h=SHA256&s=SIG, where SIG is
base64url (no padding) of the machine's Ed25519 signature over receipt_message(). The machine id
routes the check to a key; it is not part of the signed bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RECEIPT_PATH_PREFIX = "/v/"
_PATH = re.compile(re.escape(RECEIPT_PATH_PREFIX) + r"([^/?#]+)/([^/?#]+)$")
_TOTAL = re.compile(r"^\d{1,12}\.\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SIGNATURE = re.compile(r"^[A-Za-z0-9_-]{86}$")  # 64 bytes, base64url without padding


@dataclass(frozen=True)
class ReceiptFields:
    """A receipt URL's parts, each already in its signed format (`total` "1234.50")."""

    machine_id: str
    folio: str
    total: str
    date: date
    sha256: str
    signature: bytes


def receipt_message(folio: str, total: str, day: str, expediente_sha256: str) -> bytes:
    """The exact bytes a receipt QR signs: folio, total (2 decimals), ISO date, content hash."""
    return f"ventanilla-receipt/1|{folio}|{total}|{day}|{expediente_sha256}".encode()


def sign_receipt_url(key: Ed25519PrivateKey, base_url: str, machine_id: str, folio: str,
                     total: str, on: date, expediente_sha256: str) -> str:
    """The signed verification URL; `total` is already the "1234.50" text printed."""
    if not _TOTAL.match(total) or not _SHA256.match(expediente_sha256):
        raise ValueError(f"receipt total {total!r} or hash is not in the signed format")
    message = receipt_message(folio, total, on.isoformat(), expediente_sha256)
    signature = base64.urlsafe_b64encode(key.sign(message)).rstrip(b"=").decode("ascii")
    query = urlencode({"t": total, "d": on.isoformat(), "h": expediente_sha256, "s": signature})
    path = f"{RECEIPT_PATH_PREFIX}{quote(machine_id, safe='')}/{quote(folio, safe='')}"
    return f"{base_url.rstrip('/')}{path}?{query}"


def receipt_fields(machine_id: str, folio: str, total: str, day: str, sha256: str,
                   signature: str) -> ReceiptFields | None:
    """The parts of a receipt in their signed formats, or None when one is malformed."""
    if not (_TOTAL.match(total) and _DATE.match(day) and _SHA256.match(sha256)
            and _SIGNATURE.match(signature)):
        return None
    try:
        on = date.fromisoformat(day)
        raw = base64.urlsafe_b64decode(signature + "==")
    except (ValueError, binascii.Error):
        return None
    return ReceiptFields(machine_id, folio, total, on, sha256, raw)


def machine_of_url(url: str) -> str | None:
    """The machine id a receipt URL names, even when the rest of it is malformed."""
    match = _PATH.search(urlsplit(url.strip()).path)
    return unquote(match.group(1)) if match else None


def parse_receipt_url(url: str) -> ReceiptFields | None:
    """The parts of a scanned receipt URL, or None when it is not one."""
    parts = urlsplit(url.strip())
    match = _PATH.search(parts.path)
    if match is None:
        return None
    query = parse_qs(parts.query)
    values = [query.get(k, []) for k in ("t", "d", "h", "s")]
    if any(len(v) != 1 for v in values):
        return None
    machine_id, folio = unquote(match.group(1)), unquote(match.group(2))
    return receipt_fields(machine_id, folio, *(v[0] for v in values))


def receipt_is_authentic(fields: ReceiptFields, public_key_pem: str) -> bool:
    """True when `public_key_pem` (Ed25519) signed exactly these folio, total, date and hash."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    message = receipt_message(fields.folio, fields.total, fields.date.isoformat(), fields.sha256)
    try:
        key.verify(fields.signature, message)
    except InvalidSignature:
        return False
    return True
