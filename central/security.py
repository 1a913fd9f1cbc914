"""Secrets of the platform: machine tokens, enrollment codes, passwords and Ed25519 keys.

Only hashes of tokens and codes are stored, so a copy of the database enrolls no machine.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher.hash("ventanilla-dummy-password")


def sha256_hex(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def new_machine_token() -> str:
    """32 random bytes, urlsafe base64; only its sha256 is stored."""
    return secrets.token_urlsafe(32)


def new_machine_id() -> str:
    return "M" + secrets.token_hex(6).upper()


def new_epoch() -> str:
    return secrets.token_hex(8)


def new_enroll_code() -> str:
    """A one-time code like "K7QX-M2PA-9RTD" (60 bits), typed by an admin at the machine."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def normalize_enroll_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def enroll_code_sha256(code: str) -> str:
    return sha256_hex(normalize_enroll_code(code))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists (a dummy hash is verified instead)."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_keypair_pem() -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh Ed25519 key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private, public_pem(key.public_key())


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def sign(private_key_pem: str, message: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("platform key is not Ed25519")
    return key.sign(message)


def load_public_key(pem: str) -> Ed25519PublicKey | None:
    """The Ed25519 key in `pem`, or None when it is empty, malformed or of another type."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None
