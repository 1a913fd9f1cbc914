"""What the published catálogos say about trámites and dependencias, for the console: names,
and which dependencia each trámite belongs to (a dependencia user's scope). Every published
version counts (a trámite removed later still belongs to its dependencia); the newest wins.
Published bundles never change, so each version is parsed once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import ConfigBundle

_parsed: dict[tuple[str, int], dict[str, Any]] = {}


@dataclass(frozen=True)
class Catalog:
    tramites: dict[str, tuple[str, str]] = field(default_factory=dict)  # homoclave → (nombre, dep)
    dependencias: dict[str, str] = field(default_factory=dict)  # clave → nombre

    def homoclaves_of(self, dependencia: str) -> list[str]:
        return sorted(h for h, (_n, dep) in self.tramites.items() if dep == dependencia)

    def dependencia_of(self, homoclave: str) -> str | None:
        found = self.tramites.get(homoclave)
        return found[1] if found else None

    def tramite_name(self, homoclave: str) -> str:
        found = self.tramites.get(homoclave)
        return found[0] if found else homoclave


def load_catalog(session: Session, cache_key: str) -> Catalog:
    catalog = Catalog()
    versions = session.scalars(select(ConfigBundle.version).order_by(ConfigBundle.version))
    for version in versions:
        payload = _payload(session, cache_key, version)
        for dep in payload.get("dependencias") or []:
            if isinstance(dep, dict) and isinstance(dep.get("clave"), str):
                catalog.dependencias[dep["clave"]] = str(dep.get("nombre", dep["clave"]))
        for tramite in payload.get("tramites") or []:
            if isinstance(tramite, dict) and isinstance(tramite.get("homoclave"), str):
                catalog.tramites[tramite["homoclave"]] = (
                    str(tramite.get("nombre", "")), str(tramite.get("dependencia", "")))
    return catalog


def _payload(session: Session, cache_key: str, version: int) -> dict[str, Any]:
    key = (cache_key, version)
    if key not in _parsed:
        raw = session.scalar(select(ConfigBundle.payload).where(ConfigBundle.version == version))
        document = json.loads(raw or b"{}")
        _parsed[key] = document if isinstance(document, dict) else {}
    return _parsed[key]
