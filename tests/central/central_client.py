"""A minimal protocol client for the central tests: what a counter machine sends, built by hand."""

from __future__ import annotations

import gzip
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.security import public_pem
from tests.central_harness import CentralServer
from wire.canonical import payload_sha256

_folios = count(1)


@dataclass
class CounterMachine:
    base_url: str
    machine_id: str
    token: str
    office: str
    ventanilla: str
    epoch: str
    platform_public_key: str
    receipt_key: Ed25519PrivateKey
    http: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def post(self, path: str, body: Any, *, compress: bool = True) -> requests.Response:
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if compress:
            raw, headers["Content-Encoding"] = gzip.compress(raw), "gzip"
        return self.http.post(self.base_url + path, data=raw, headers=headers, timeout=30)

    def push(self, mutations: list[dict[str, Any]], *, pending: int | None = None,
             machine_id: str | None = None, compress: bool = True) -> requests.Response:
        body = {"machine_id": machine_id or self.machine_id, "app_version": "0.1.0",
                "mutations": mutations, "pending": pending}
        return self.post("/v1/sync/push", body, compress=compress)

    def pull(self, cursor: int = 0, limit: int | None = None,
             epoch: str | None = None) -> requests.Response:
        params: dict[str, Any] = {"cursor": cursor, "epoch": epoch or self.epoch}
        if limit is not None:
            params["limit"] = limit
        return self.http.get(self.base_url + "/v1/sync/pull", params=params, timeout=30)

    def payload(self, *, total: str = "150.00", attachments: list[dict[str, Any]] | None = None,
                folio: str | None = None) -> dict[str, Any]:
        """An expediente.create payload as desktop/capture builds it (content_sha256 included)."""
        payload: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "folio": folio or f"{self.office}-{self.ventanilla}-2026-{next(_folios):06d}",
            "tramite_homoclave": "TES-PRED-001", "tramite_version": 1,
            "answers": {"clave_catastral": "12-345-678", "superficie": "120"},
            "requisitos": [{"clave": "ine", "recibido": True, "nota": ""}],
            "cobros": [{"concepto": "Derecho", "cri": "4.3.1.1", "importe": total}],
            "total": total, "nombre": "María López Pérez", "curp": None, "rfc": None,
            "created_by": "operador1",
            "captured_at": datetime(2026, 3, 2, 10, 30).isoformat(),
            "origin_machine": self.machine_id, "oficina": self.office,
            "ventanilla": self.ventanilla, "attachments": attachments or [],
        }
        payload["content_sha256"] = payload_sha256(payload)
        return payload


def mutation(mutation_id: int, payload: dict[str, Any], kind: str = "expediente.create",
             sha256: str | None = None) -> dict[str, Any]:
    return {"mutation_id": mutation_id, "kind": kind, "entity_uuid": payload.get("uuid", ""),
            "payload": payload, "sha256": sha256 or payload_sha256(payload)}


def enroll(server: CentralServer, office: str = "OFI", ventanilla: str = "V01") -> CounterMachine:
    return enroll_at(server.url, server.enroll_code(office, ventanilla))


def enroll_at(base_url: str, code: str) -> CounterMachine:
    """Enroll with `code` at the central listening on `base_url`."""
    key = Ed25519PrivateKey.generate()
    response = requests.post(
        base_url + "/v1/enroll",
        json={"code": code, "app_version": "0.1.0", "hostname": "caja",
              "receipt_public_key": public_pem(key.public_key())},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    return CounterMachine(
        base_url=base_url, machine_id=body["machine_id"], token=body["machine_token"],
        office=body["oficina"], ventanilla=body["ventanilla"], epoch=body["epoch"],
        platform_public_key=body["platform_public_key"], receipt_key=key,
    )
