"""A minimal IPP/1.1 client: Print-Job of one PDF to an `ipp://` or `ipps://` printer URI.

Enough of RF 8010/8011 to send a document and read back job-id and the status; it lets a window
print to a network printer directly, without a CUPS queue (and works where there is no CUPS).
"""

from __future__ import annotations

import itertools
import struct
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests

PRINT_JOB = 0x0002
TAG_OPERATION = 0x01
TAG_END = 0x03
TAG_INTEGER = 0x21
TAG_TEXT = 0x41
TAG_NAME = 0x42
TAG_KEYWORD = 0x44
TAG_URI = 0x45
TAG_CHARSET = 0x47
TAG_LANGUAGE = 0x48
TAG_MIME = 0x49
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
BUSY_STATUSES = {0x0502, 0x0507}  # server-error-service-unavailable, server-error-busy
BUSY_WAIT_SECONDS = 30.0

_request_ids = itertools.count(1)


class IppError(Exception):
    """The printer could not be reached or refused the job; `reason` is short and technical."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IppResponse:
    status: int
    attributes: dict[str, list[int | str]]

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    @property
    def job_id(self) -> int | None:
        values = self.attributes.get("job-id", [])
        return values[0] if values and isinstance(values[0], int) else None


def _attribute(tag: int, name: str, value: bytes) -> bytes:
    encoded = name.encode("utf-8")
    return (struct.pack(">BH", tag, len(encoded)) + encoded
            + struct.pack(">H", len(value)) + value)


def encode_print_job(printer_uri: str, document: bytes, *, job_name: str, user: str,
                     request_id: int) -> bytes:
    attributes = b"".join([
        _attribute(TAG_CHARSET, "attributes-charset", b"utf-8"),
        _attribute(TAG_LANGUAGE, "attributes-natural-language", b"es-mx"),
        _attribute(TAG_URI, "printer-uri", printer_uri.encode("utf-8")),
        _attribute(TAG_NAME, "requesting-user-name", user.encode("utf-8")[:255]),
        _attribute(TAG_NAME, "job-name", job_name.encode("utf-8")[:255]),
        _attribute(TAG_MIME, "document-format", b"application/pdf"),
    ])
    header = struct.pack(">BBHI", 1, 1, PRINT_JOB, request_id)
    return header + bytes([TAG_OPERATION]) + attributes + bytes([TAG_END]) + document


def decode_response(body: bytes) -> IppResponse:
    if len(body) < 9:
        raise IppError("respuesta IPP incompleta")
    status = struct.unpack(">H", body[2:4])[0]
    attributes: dict[str, list[int | str]] = {}
    pos, name = 8, ""
    while pos < len(body):
        tag = body[pos]
        pos += 1
        if tag == TAG_END:
            break
        if tag < 0x10:  # a new attribute group starts
            continue
        name_len = struct.unpack(">H", body[pos:pos + 2])[0]
        name = body[pos + 2:pos + 2 + name_len].decode("utf-8", "replace") or name
        pos += 2 + name_len
        value_len = struct.unpack(">H", body[pos:pos + 2])[0]
        raw = body[pos + 2:pos + 2 + value_len]
        pos += 2 + value_len
        value: int | str = (struct.unpack(">i", raw)[0] if tag == TAG_INTEGER and value_len == 4
                            else raw.decode("utf-8", "replace"))
        attributes.setdefault(name, []).append(value)
    return IppResponse(status, attributes)


def http_url(printer_uri: str) -> str:
    """ipp://host[:631]/path → http://host:631/path; ipps:// → https://host:443/path."""
    parts = urlsplit(printer_uri)
    secure = parts.scheme == "ipps"
    port = parts.port or (443 if secure else 631)
    host = parts.hostname or "localhost"
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return urlunsplit(("https" if secure else "http", netloc, parts.path or "/", "", ""))


def print_job(printer_uri: str, document: bytes, *, job_name: str, user: str) -> int:
    """Send one PDF; returns the printer's job-id. A busy printer is retried for up to 30 s."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    delay = 0.25
    while True:
        response = _send_once(printer_uri, document, job_name, user)
        if response.status not in BUSY_STATUSES or time.monotonic() + delay > deadline:
            break
        time.sleep(delay)
        delay = min(delay * 2, 4.0)
    if not response.ok:
        message = response.attributes.get("status-message", [""])[0]
        raise IppError(f"la impresora rechazó el trabajo (0x{response.status:04x} {message})")
    if response.job_id is None:
        raise IppError("la impresora no devolvió número de trabajo")
    return response.job_id


def _send_once(printer_uri: str, document: bytes, job_name: str, user: str) -> IppResponse:
    body = encode_print_job(printer_uri, document, job_name=job_name, user=user,
                            request_id=next(_request_ids))
    try:
        reply = requests.post(http_url(printer_uri), data=body,
                              headers={"Content-Type": "application/ipp"},
                              timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except requests.RequestException as exc:
        raise IppError(f"sin conexión con la impresora ({type(exc).__name__})") from exc
    if reply.status_code != 200:
        raise IppError(f"la impresora respondió HTTP {reply.status_code}")
    return decode_response(reply.content)
