"""Transport policy: HTTPS is verified (a self-signed certificate is refused, even on loopback),
plain HTTP goes only to loopback, and a refused address is refused before anything is sent."""

from __future__ import annotations

import ipaddress
import json
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.context import AppContext
from localdb.models import OutboxEntry
from sync.engine import SyncEngine
from sync.enroll import enroll
from sync.errors import ServerUrlRefused, TlsFailure
from sync.http import PlatformClient
from sync.observer import ConnectionState
from tests.demo_office import open_demo_office
from tests.sync.fake_platform import Answer, FakePlatform
from tests.sync.machines import ADMIN, capture_many, outbox_states, point_to, sync_state


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _no_config(_method: str, _path: str) -> Answer:
    return 404, {"Content-Type": "application/json"}, json.dumps({"detail": "nada"}).encode()


@pytest.fixture
def self_signed_platform(tmp_path: Path) -> Iterator[tuple[FakePlatform, Path]]:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    platform = FakePlatform(_no_config, tls=context)
    yield platform, cert
    platform.close()


def test_self_signed_https_is_refused(self_signed_platform: tuple[FakePlatform, Path],
                                      tmp_path: Path, window: AppContext) -> None:
    platform, cert = self_signed_platform
    # The server itself works: trusting its certificate explicitly, it answers.
    assert requests.get(platform.url + "/v1/config", verify=str(cert), timeout=5).status_code == 404
    with PlatformClient(platform.url) as client, pytest.raises(TlsFailure) as refused:
        client.request("GET", "/v1/config", accept=(404,))
    assert "certificado" in refused.value.message

    fresh = open_demo_office(tmp_path / "nuevo")
    try:
        with pytest.raises(TlsFailure):
            enroll(fresh, ADMIN, platform.url, "ABCD-EFGH-JKLM")
        assert sync_state(fresh).demo and sync_state(fresh).server_url is None
    finally:
        fresh.close()

    capture_many(window, 1)
    point_to(window, platform.url)
    report = SyncEngine(window).run_once(force=True)
    assert not report.ok and report.state == ConnectionState.ERROR
    assert "certificado" in report.message and outbox_states(window) == {"pending": 1}
    assert platform.requests == ["GET /v1/config"]  # only the verified-with-CA request above


@pytest.mark.parametrize("url", ["http://example.com", "http://example.com:8700/",
                                 "http://93.184.215.14"])
def test_plain_http_to_a_remote_host_is_refused_before_sending(
        url: str, window: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ServerUrlRefused) as refused:
        PlatformClient(url)
    assert "HTTPS" in refused.value.message
    fresh = open_demo_office(tmp_path / "nuevo")
    try:
        with pytest.raises(ServerUrlRefused):
            enroll(fresh, ADMIN, url, "ABCD-EFGH-JKLM")
        assert sync_state(fresh).demo
    finally:
        fresh.close()
    capture_many(window, 1)
    point_to(window, url)
    report = SyncEngine(window).run_once(force=True)
    assert not report.ok and report.state == ConnectionState.ERROR and "HTTPS" in report.message
    with window.write() as session:
        assert session.get_one(OutboxEntry, 1).attempts == 0  # nothing was sent
