"""The signed envelope a configuration bundle travels in (ARCHITECTURE §8), and its Ed25519
signature.

Envelope format (what central/ must produce; it signs on its own, without importing desktop/):

    {"payload": "<base64 of the payload bytes>", "signature": "<base64 of 64 signature bytes>"}

* The payload bytes are the canonical JSON of the bundle — `wire.canonical.canonical_json`, i.e.
  `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` in UTF-8 — with
  money and other decimals written as JSON strings ("117.31").
* The signature is a raw Ed25519 signature (RFC 8032) over exactly those payload bytes, made with
  the platform's private key; the machine verifies it with the public key (PEM,
  SubjectPublicKeyInfo) pinned at enrollment.
* base64 is the standard alphabet with padding. The file itself is UTF-8 JSON; other keys are
  ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.bundles.schema import Bundle
from desktop.errors import BundleError, VentanillaError
from desktop.user_file import read_user_file
from wire.canonical import canonical_json

MAX_BUNDLE_FILE_BYTES = 20 * 1024 * 1024
SIGNATURE_BYTES = 64
TOO_BIG = "El archivo es demasiado grande para ser un paquete de configuración."
DAMAGED = "Archivo incompleto o dañado: no es un paquete de configuración válido"


def bundle_payload(bundle: Bundle | dict[str, Any]) -> bytes:
    """The canonical bytes that get signed; a `Bundle` is dumped in JSON mode first."""
    data = bundle.model_dump(mode="json") if isinstance(bundle, Bundle) else bundle
    return canonical_json(data)


def sign_bundle(payload: bytes, private_key_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError("La llave privada para firmar paquetes debe ser Ed25519.")
    return key.sign(payload)


def public_key_pem(private_key_pem: bytes) -> str:
    """The PEM public key that verifies what `private_key_pem` signs."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def platform_key(public_key_pem: str) -> Ed25519PublicKey:
    """The platform's Ed25519 public key from its PEM; BundleError when it is not one."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError, UnsupportedAlgorithm) as exc:
        raise BundleError(
            "La llave pública de la plataforma registrada en este equipo no es válida; "
            "vuelva a enrolar el equipo."
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(
            "La llave pública de la plataforma registrada en este equipo no es Ed25519; "
            "vuelva a enrolar el equipo."
        )
    return key


def check_signature(payload: bytes, signature: bytes, public_key_pem: str) -> None:
    """Raise BundleError unless `signature` is the pinned platform key's signature of `payload`."""
    key = platform_key(public_key_pem)
    try:
        key.verify(signature, payload)
    except InvalidSignature as exc:
        raise BundleError(
            "La firma del paquete de configuración no es válida: el archivo fue alterado o no "
            "proviene de la plataforma de este municipio. No se aplicó ningún cambio."
        ) from exc


def encode_envelope(payload: bytes, signature: bytes) -> bytes:
    envelope = {
        "payload": base64.b64encode(payload).decode("ascii"),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(envelope, indent=1).encode("utf-8") + b"\n"


def _b64_field(envelope: dict[str, Any], name: str) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str):
        raise BundleError(f"{DAMAGED} (falta «{name}»).")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise BundleError(f"{DAMAGED} («{name}» no está en base64).") from exc


def parse_envelope(data: bytes) -> tuple[bytes, bytes]:
    """(payload, signature) from envelope bytes, e.g. a file or the body of GET /v1/config."""
    if len(data) > MAX_BUNDLE_FILE_BYTES:
        raise BundleError(TOO_BIG)
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{DAMAGED}.") from exc
    if not isinstance(envelope, dict):
        raise BundleError(f"{DAMAGED}.")
    payload = _b64_field(envelope, "payload")
    signature = _b64_field(envelope, "signature")
    if len(signature) != SIGNATURE_BYTES or not payload:
        raise BundleError(f"{DAMAGED} (firma o contenido incompletos).")
    return payload, signature


def read_bundle_file(path: Path) -> tuple[bytes, bytes]:
    """(payload, signature) of an envelope file; BundleError when unreadable or damaged."""
    try:  # a pipe, a device or a huge file is refused, never waited on or read whole
        data = read_user_file(path, f"el archivo «{path}»", MAX_BUNDLE_FILE_BYTES, TOO_BIG)
    except VentanillaError as exc:
        raise BundleError(exc.message) from exc
    return parse_envelope(data)


def write_bundle_file(path: Path, bundle: Bundle | dict[str, Any], private_key_pem: bytes) -> bytes:
    """Sign `bundle` and write its envelope to `path`; returns the payload bytes."""
    payload = bundle_payload(bundle)
    signature = sign_bundle(payload, private_key_pem)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encode_envelope(payload, signature))
    tmp.replace(path)
    return payload
