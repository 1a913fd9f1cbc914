"""A crafted version 2 of the demo bundle with known, deliberate changes (issue 10): the impact
report must list exactly these, and nothing else."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from desktop.bundles.apply import parse_payload
from desktop.bundles.signing import read_bundle_file, write_bundle_file
from desktop.demo import DEMO_BUNDLE_PATH, DEMO_PRIVATE_KEY_PATH

ADDED = "HMO-SPM-003"  # a new trámite (a copy of HMO-SPM-002 under a new homoclave)
REMOVED = "HMO-OCEG-001"
CAMPOS = "HMO-SAY-002"  # campo added (required), campo removed, options, requisito, plazo
FEES = "HMO-SPM-001"  # por_unidad 185.00 → 200.00
NEW_UMA = "120.00"  # from 117.31
# Unchanged trámites whose amounts move with the UMA (uma rules, or a formula reading uma).
UMA_ONLY = ["HMO-DUE-001", "HMO-SAY-001", "HMO-TM-002", "HMO-TM-003", "HMO-UMPC-001",
            "HMO-AGUAH-002"]


def demo_payload() -> dict[str, Any]:
    payload, _signature = read_bundle_file(DEMO_BUNDLE_PATH)
    data: dict[str, Any] = json.loads(payload)
    return data


def _tramite(data: dict[str, Any], homoclave: str) -> dict[str, Any]:
    return next(t for t in data["tramites"] if t["homoclave"] == homoclave)


def crafted_v2(version: int = 2) -> dict[str, Any]:
    data = demo_payload()
    data["version"] = version
    data["uma_diaria"] = NEW_UMA
    added = copy.deepcopy(_tramite(data, "HMO-SPM-002"))
    added.update(homoclave=ADDED, nombre="Permiso de poda urgente")
    data["tramites"].append(added)
    data["tramites"] = [t for t in data["tramites"] if t["homoclave"] != REMOVED]
    say = _tramite(data, CAMPOS)
    say["version"], say["plazo_dias"] = 2, 5
    say["campos"] = [c for c in say["campos"] if c["clave"] != "fecha_llegada"]
    say["campos"].append({"clave": "clave_elector", "etiqueta": "Clave de elector",
                          "tipo": "texto", "requerido": True})
    motivo = next(c for c in say["campos"] if c["clave"] == "motivo")
    motivo["opciones"].append({"valor": "credito", "etiqueta": "Crédito"})
    testigos = next(r for r in say["requisitos"] if r["clave"] == "testigos")
    testigos["descripcion"] = "Dos testigos con identificación oficial vigente"
    fees = _tramite(data, FEES)
    fees["version"] = 2
    fees["cobros"][0]["regla"]["monto_unitario"] = "200.00"
    parse_payload(json.dumps(data).encode())  # still a valid bundle
    return data


def write_crafted(path: Path, version: int = 2) -> Path:
    write_bundle_file(path, crafted_v2(version), DEMO_PRIVATE_KEY_PATH.read_bytes())
    return path
