"""What publishing a bundle would change against the version in force: trámites added, removed
and changed, and the campos added and removed in each changed trámite (structural, by clave)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TramiteChange:
    homoclave: str
    nombre: str
    campos_added: list[str] = field(default_factory=list)
    campos_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BundleDiff:
    current_version: int  # 0: nothing published yet
    new_version: int
    added: list[tuple[str, str]]  # (homoclave, nombre)
    removed: list[tuple[str, str]]
    changed: list[TramiteChange]
    other_keys: list[str]  # top-level keys whose value changed (uma_diaria, aviso…)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other_keys)


def diff_bundles(current: dict[str, Any] | None, new: dict[str, Any]) -> BundleDiff:
    old = current or {}
    before, after = _tramites(old), _tramites(new)
    changed = [_tramite_change(before[h], after[h]) for h in sorted(before.keys() & after.keys())
               if before[h] != after[h]]
    others = sorted(k for k in (old.keys() | new.keys()) - {"tramites", "version"}
                    if old.get(k) != new.get(k))
    return BundleDiff(
        current_version=int(old.get("version") or 0), new_version=int(new["version"]),
        added=[(h, _name(after[h])) for h in sorted(after.keys() - before.keys())],
        removed=[(h, _name(before[h])) for h in sorted(before.keys() - after.keys())],
        changed=changed, other_keys=others if current else [],
    )


def _tramites(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["homoclave"]: t for t in payload.get("tramites") or []
            if isinstance(t, dict) and isinstance(t.get("homoclave"), str)}


def _campos(tramite: dict[str, Any]) -> set[str]:
    return {c["clave"] for c in tramite.get("campos") or []
            if isinstance(c, dict) and isinstance(c.get("clave"), str)}


def _tramite_change(old: dict[str, Any], new: dict[str, Any]) -> TramiteChange:
    return TramiteChange(new["homoclave"], _name(new),
                         sorted(_campos(new) - _campos(old)), sorted(_campos(old) - _campos(new)))


def _name(tramite: dict[str, Any]) -> str:
    return str(tramite.get("nombre", ""))
