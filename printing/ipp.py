"""A minimal IPP/1.1 wire client: encode a request, POST it, decode the reply (RFC 8010/8011).

Enough to send a PDF with Print-Job and to ask a job's state with Get-Job-Attributes; it lets a
window print to a network printer directly, without a CUPS queue (and where there is no CUPS).
The operations themselves (retry while busy, wait for the job to finish) are in `ipp_jobs`.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests

PRINT_JOB = 0x0002
GET_JOB_ATTRIBUTES = 0x0009
TAG_OPERATION = 0x01
TAG_END = 0x03
TAG_INTEGER = 0x21
TAG_ENUM = 0x23
TAG_TEXT = 0x41
TAG_NAME = 0x42
TAG_KEYWORD = 0x44
TAG_URI = 0x45
TAG_CHARSET = 0x47
TAG_LANGUAGE = 0x48
TAG_MIME = 0x49
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0

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


def _operation_attributes(printer_uri: str, user: str) -> list[bytes]:
    return [
        _attribute(TAG_CHARSET, "attributes-charset", b"utf-8"),
        _attribute(TAG_LANGUAGE, "attributes-natural-language", b"es-mx"),
        _attribute(TAG_URI, "printer-uri", printer_uri.encode("utf-8")),
        _attribute(TAG_NAME, "requesting-user-name", user.encode("utf-8")[:255]),
    ]


def _encode(operation: int, request_id: int, attributes: list[bytes], document: bytes) -> bytes:
    header = struct.pack(">BBHI", 1, 1, operation, request_id)
    return header + bytes([TAG_OPERATION]) + b"".join(attributes) + bytes([TAG_END]) + document


def encode_print_job(printer_uri: str, document: bytes, *, job_name: str, user: str,
                     request_id: int) -> bytes:
    return _encode(PRINT_JOB, request_id, [
        *_operation_attributes(printer_uri, user),
        _attribute(TAG_NAME, "job-name", job_name.encode("utf-8")[:255]),
        _attribute(TAG_MIME, "document-format", b"application/pdf"),
    ], document)


def encode_get_job_attributes(printer_uri: str, job_id: int, *, user: str, request_id: int,
                              requested: Sequence[str]) -> bytes:
    wanted = [_attribute(TAG_KEYWORD, "requested-attributes" if i == 0 else "", name.encode())
              for i, name in enumerate(requested)]  # extra values of a set have no name
    return _encode(GET_JOB_ATTRIBUTES, request_id, [
        *_operation_attributes(printer_uri, user),
        _attribute(TAG_INTEGER, "job-id", struct.pack(">i", job_id)),
        *wanted,
    ], b"")


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
        numeric = tag in (TAG_INTEGER, TAG_ENUM) and value_len == 4
        value: int | str = (struct.unpack(">i", raw)[0] if numeric
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


def next_request_id() -> int:
    return next(_request_ids)


def send(printer_uri: str, body: bytes) -> IppResponse:
    """POST one encoded request to the printer and decode its reply."""
    try:
        reply = requests.post(http_url(printer_uri), data=body,
                              headers={"Content-Type": "application/ipp"},
                              timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except requests.RequestException as exc:
        raise IppError(f"sin conexión con la impresora ({type(exc).__name__})") from exc
    if reply.status_code != 200:
        raise IppError(f"la impresora respondió HTTP {reply.status_code}")
    return decode_response(reply.content)
