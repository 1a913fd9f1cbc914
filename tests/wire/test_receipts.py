"""The receipt URL: signed once, verified by the same code at the window and on the platform."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wire.receipts import (
    machine_of_url,
    parse_receipt_url,
    receipt_is_authentic,
    receipt_message,
    sign_receipt_url,
)

SHA = "ab" * 32
FOLIO = "HMO-V01-2026-000001"


def _pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def url(key: Ed25519PrivateKey) -> str:
    return sign_receipt_url(key, "https://verifica.example/", "M1A2B3", FOLIO, "1234.50",
                            date(2026, 11, 26), SHA)


def test_signed_url_has_the_printed_format_and_verifies(key: Ed25519PrivateKey, url: str) -> None:
    assert url.startswith(f"https://verifica.example/v/M1A2B3/{FOLIO}?t=1234.50&d=2026-11-26&h=")
    fields = parse_receipt_url(url)
    assert fields is not None
    assert (fields.machine_id, fields.folio, fields.total, fields.date, fields.sha256) == (
        "M1A2B3", FOLIO, "1234.50", date(2026, 11, 26), SHA)
    assert receipt_is_authentic(fields, _pem(key))


def test_signed_bytes_are_fixed() -> None:
    assert receipt_message(FOLIO, "1234.50", "2026-11-26", SHA) == (
        f"ventanilla-receipt/1|{FOLIO}|1234.50|2026-11-26|{SHA}".encode())


@pytest.mark.parametrize(("old", "new"), [
    ("t=1234.50", "t=1284.50"), ("d=2026-11-26", "d=2026-11-27"), (f"h={SHA}", f"h={'cd' * 32}"),
    (f"/{FOLIO}?", f"/{quote('HMO-V01-2026-000002')}?"),
])
def test_tampered_receipt_is_refused(key: Ed25519PrivateKey, url: str, old: str,
                                     new: str) -> None:
    fields = parse_receipt_url(url.replace(old, new))
    assert fields is not None and not receipt_is_authentic(fields, _pem(key))


def test_another_machines_key_or_a_bad_key_is_refused(url: str) -> None:
    fields = parse_receipt_url(url)
    assert fields is not None
    assert not receipt_is_authentic(fields, _pem(Ed25519PrivateKey.generate()))
    assert not receipt_is_authentic(fields, "not a PEM")


@pytest.mark.parametrize("mangle", [
    lambda u: u.replace("/v/", "/x/"), lambda u: u.replace("t=1234.50", "t=1234.5"),
    lambda u: u.replace("d=2026-11-26", "d=20261126"), lambda u: u + "&t=1.00",
    lambda u: u.split("&s=")[0], lambda u: u.replace("&s=", "&s=%21"),
])
def test_malformed_url_is_not_a_receipt(url: str, mangle) -> None:
    assert parse_receipt_url(mangle(url)) is None
    assert machine_of_url(mangle(url)) in ("M1A2B3", None)


def test_signer_refuses_a_total_it_could_not_verify(key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError):
        sign_receipt_url(key, "https://x", "M1", FOLIO, "1234.5", date(2026, 1, 1), SHA)
