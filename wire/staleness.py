"""How long a window may work without reaching the platform (ARCHITECTURE §8, §11).

The bundle carries the thresholds (`sin_conexion`, optional): the municipality's, with
per-office overrides. The window counts days since its last successful sync; at `aviso_dias` it
shows a banner, at `bloqueo_dias` it refuses capture. Central flags the same machines stale in
`central machines` with the same rule, so both sides read the thresholds from here.

This module is plain Python: `status` and the window's start read staleness without importing
pydantic. The bundle's schema for the thresholds (their bounds and order) is
`wire.sin_conexion`, imported only to read a bundle that sets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_AVISO_DIAS = 3
DEFAULT_BLOQUEO_DIAS = 7


class Staleness(StrEnum):
    AL_DIA = "al_dia"
    AVISO = "aviso"
    BLOQUEO = "bloqueo"


@dataclass(frozen=True)
class Umbrales:
    """Days without reaching the platform before the banner (aviso) and the capture block;
    validated where a bundle is read (wire.sin_conexion)."""

    aviso_dias: int = DEFAULT_AVISO_DIAS
    bloqueo_dias: int = DEFAULT_BLOQUEO_DIAS

    def level(self, days: int) -> Staleness:
        if days >= self.bloqueo_dias:
            return Staleness.BLOQUEO
        if days >= self.aviso_dias:
            return Staleness.AVISO
        return Staleness.AL_DIA


def thresholds_of_payload(payload: dict[str, object], oficina: str) -> Umbrales:
    """The thresholds a bundle payload (parsed JSON) sets for `oficina`; defaults when absent
    or unreadable (a bundle the platform published was already checked by the windows)."""
    raw = payload.get("sin_conexion")
    if not isinstance(raw, dict):
        return Umbrales()
    from wire.sin_conexion import SinConexion  # pydantic: only for a bundle that sets them

    try:
        return SinConexion.model_validate(raw).for_office(oficina)
    except ValueError:
        return Umbrales()
