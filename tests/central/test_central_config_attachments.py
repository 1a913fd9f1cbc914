"""GET /v1/config (signed bundles, ETag) and PUT/HEAD /v1/attachments (content-addressed)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from central import admin
from tests import central_harness as testing
from tests.central.central_client import enroll
from tests.central_harness import CentralServer
from wire.canonical import canonical_json

BUNDLE = {"format": "ventanilla-bundle/1", "version": 3, "valid_from": "2026-01-01",
          "min_app_version": "0.1.0", "municipio": {"nombre": "Hermosillo", "estado": "Sonora"},
          "uma_diaria": "113.14", "dependencias": [], "tramites": []}


def test_config_is_signed_and_cached_by_etag(central_db_url: str) -> None:
    with testing.central_server(central_db_url, catalog=False) as server:
        _config_is_signed_and_cached_by_etag(server)


def _config_is_signed_and_cached_by_etag(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    none_yet = machine.http.get(machine.base_url + "/v1/config", timeout=10)
    admin.publish_config(central_server.db, json.dumps(BUNDLE).encode())

    first = machine.http.get(machine.base_url + "/v1/config", timeout=10)
    etag = first.headers["ETag"]
    cached = machine.http.get(machine.base_url + "/v1/config", timeout=10,
                              headers={"If-None-Match": etag})
    admin.publish_config(central_server.db, json.dumps({**BUNDLE, "version": 4}).encode())
    changed = machine.http.get(machine.base_url + "/v1/config", timeout=10,
                               headers={"If-None-Match": etag})

    assert none_yet.status_code == 404
    assert first.status_code == 200 and cached.status_code == 304 and cached.content == b""
    envelope = first.json()
    payload = base64.b64decode(envelope["payload"])
    key = load_pem_public_key(machine.platform_public_key.encode())
    assert isinstance(key, Ed25519PublicKey)
    key.verify(base64.b64decode(envelope["signature"]), payload)  # raises if forged
    assert payload == canonical_json(BUNDLE)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert json.loads(base64.b64decode(changed.json()["payload"]))["version"] == 4


def test_publish_resigns_envelopes_and_never_downgrades(central_server: CentralServer) -> None:
    foreign = {"payload": base64.b64encode(canonical_json(BUNDLE)).decode(),
               "signature": base64.b64encode(b"x" * 64).decode()}
    assert admin.publish_config(central_server.db, json.dumps(foreign).encode()) == 3

    with pytest.raises(admin.AdminError, match="no es mayor"):
        admin.publish_config(central_server.db, json.dumps(BUNDLE).encode())
    with pytest.raises(admin.AdminError, match="version"):
        admin.publish_config(central_server.db, b'{"format": "x"}')


def test_attachments_are_idempotent_and_hash_checked(central_server: CentralServer) -> None:
    machine = enroll(central_server)
    content = b"\x89PNG scan of an INE" * 1000
    digest = hashlib.sha256(content).hexdigest()
    url = f"{machine.base_url}/v1/attachments/{digest}"

    before = machine.http.head(url, timeout=10)
    created = machine.http.put(url, data=content, timeout=10)
    again = machine.http.put(url, data=content, timeout=10)
    after = machine.http.head(url, timeout=10)
    other = hashlib.sha256(b"other").hexdigest()
    wrong = machine.http.put(f"{machine.base_url}/v1/attachments/{other}", data=content,
                             timeout=10)
    anonymous = requests.put(url, data=content, timeout=10)

    assert (before.status_code, created.status_code, again.status_code) == (404, 201, 200)
    for receipt in (created, again, after):  # the receipt the window checks
        assert receipt.headers["Content-Type"] == "application/json"
        assert receipt.headers["X-Ventanilla-Sha256"] == digest
        assert receipt.headers["X-Ventanilla-Size"] == str(len(content))
    assert created.json() == {"sha256": digest, "size": len(content)}
    assert wrong.status_code == 400 and "no coincide" in wrong.json()["detail"]
    assert machine.http.head(f"{machine.base_url}/v1/attachments/{other}").status_code == 404
    assert anonymous.status_code == 401


def test_head_answers_only_for_the_offices_that_uploaded_the_blob(
    central_server: CentralServer,
) -> None:
    """Another office must not learn that a scan exists (nor its size) by guessing its hash."""
    owner = enroll(central_server, office="OFI")
    same_office = enroll(central_server, office="OFI", ventanilla="V02")
    stranger = enroll(central_server, office="OTRA")
    content = b"%PDF-1.4 escritura de otra oficina"
    digest = hashlib.sha256(content).hexdigest()
    path = f"/v1/attachments/{digest}"
    assert owner.http.put(owner.base_url + path, data=content, timeout=10).status_code == 201

    foreign = stranger.http.head(stranger.base_url + path, timeout=10)
    colleague = same_office.http.head(same_office.base_url + path, timeout=10)
    uploaded = stranger.http.put(stranger.base_url + path, data=content, timeout=10)
    after_upload = stranger.http.head(stranger.base_url + path, timeout=10)

    assert foreign.status_code == 404 and "X-Ventanilla-Size" not in foreign.headers
    assert colleague.status_code == 200
    assert uploaded.status_code == 200  # already stored: proving the content earns the receipt
    assert after_upload.status_code == 200
