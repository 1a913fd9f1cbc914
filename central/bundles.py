"""Signed configuration bundles (ARCHITECTURE §8): the envelope format and publishing.

Envelope: {"payload": base64(canonical JSON bytes), "signature": base64(Ed25519 over them)},
canonical JSON = wire.canonical.canonical_json. desktop/bundles/apply.py reads the same format.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.models import ConfigBundle, Platform
from central.security import sha256_hex, sign
from wire.canonical import canonical_json


class BundleRefused(Exception):
    """The file cannot be published; the message says why (Spanish, shown by the CLI)."""


def envelope_bytes(payload: bytes, signature: bytes) -> bytes:
    """The bundle file exactly as served by GET /v1/config and imported from a USB stick."""
    envelope = {
        "payload": base64.b64encode(payload).decode("ascii"),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(envelope, separators=(",", ":")).encode("ascii")


MAX_VERSION = 2**31 - 1  # config_bundles.version is an INTEGER


def read_payload(raw: bytes) -> dict[str, Any]:
    """The bundle payload from an unsigned payload file or from an envelope (signature dropped)."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleRefused("El archivo no es JSON válido.") from exc
    except RecursionError as exc:
        raise BundleRefused("El archivo es JSON anidado a demasiada profundidad.") from exc
    if isinstance(document, dict) and set(document) == {"payload", "signature"}:
        try:
            document = json.loads(base64.b64decode(document["payload"], validate=True))
        except (ValueError, TypeError, binascii.Error, RecursionError) as exc:
            raise BundleRefused("El sobre no contiene un payload base64 de JSON válido.") from exc
    if not isinstance(document, dict):
        raise BundleRefused("El paquete debe ser un objeto JSON.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not (
            1 <= version <= MAX_VERSION):
        raise BundleRefused(f"El paquete necesita «version», un entero de 1 a {MAX_VERSION}.")
    return document


def latest_version(session: Session) -> int:
    return int(session.scalar(select(func.max(ConfigBundle.version))) or 0)


def publish(session: Session, raw: bytes) -> ConfigBundle:
    """Re-sign the canonical payload with the platform key; never downgrade or republish."""
    payload = read_payload(raw)
    latest = latest_version(session)
    if payload["version"] <= latest:
        raise BundleRefused(
            f"La versión {payload['version']} no es mayor que la publicada ({latest})."
        )
    platform = session.get_one(Platform, 1)
    try:
        data = canonical_json(payload)
    except TypeError as exc:  # NaN or Infinity: json.loads accepts them, a hash cannot
        raise BundleRefused("El paquete contiene NaN o Infinity, que no son JSON.") from exc
    signature = sign(platform.private_key_pem, data)
    etag = f'"{payload["version"]}-{sha256_hex(envelope_bytes(data, signature))[:16]}"'
    bundle = ConfigBundle(
        version=payload["version"], payload=data, signature=signature, etag=etag
    )
    session.add(bundle)
    session.flush()
    return bundle
