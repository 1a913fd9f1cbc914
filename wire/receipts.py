"""Receipt QR. The URL is {base}/v/{machine_id}/{folio}?t=TOTAL&d=YYYY-MM-DD&h=SHA256&s=SIG
where SIG is base64url (no padding) of the machine's Ed25519 signature over receipt_message().
"""

from __future__ import annotations

RECEIPT_PATH_PREFIX = "/v/"


def receipt_message(folio: str, total: str, date: str, expediente_sha256: str) -> bytes:
    """The exact bytes a receipt QR signs: folio, total (2 decimals), ISO date, content hash."""
    return f"ventanilla-receipt/1|{folio}|{total}|{date}|{expediente_sha256}".encode()
