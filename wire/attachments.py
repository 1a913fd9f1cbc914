"""The attachment receipt: how the platform says it holds a blob (PUT/HEAD /v1/attachments/…).

A 200/201 counts as "the platform holds this blob" only when it carries the platform's receipt: a
JSON content type and these headers naming the very sha256 and size asked about. Anything else (a
proxy's or captive portal's 200 text/html) is a failed attempt. PUT also returns the receipt as an
`AttachmentReceipt` body.
"""

from __future__ import annotations

from wire.base import Wire

ATTACHMENT_CONTENT_TYPE = "application/json"
ATTACHMENT_SHA256_HEADER = "X-Ventanilla-Sha256"
ATTACHMENT_SIZE_HEADER = "X-Ventanilla-Size"


class AttachmentReceipt(Wire):
    sha256: str
    size: int
