"""How long a window may work without reaching the platform (ARCHITECTURE §8, §11).

The bundle carries the thresholds (`sin_conexion`, optional): the municipality's, with
per-office overrides. The window counts days since its last successful sync; at `aviso_dias` it
shows a banner, at `bloqueo_dias` it refuses capture. Central flags the same machines stale in
`central machines` with the same rule, so both sides read the thresholds from here.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_AVISO_DIAS = 3
DEFAULT_BLOQUEO_DIAS = 7


class Staleness(StrEnum):
    AL_DIA = "al_dia"
    AVISO = "aviso"
    BLOQUEO = "bloqueo"


class Umbrales(BaseModel):
    """Days without reaching the platform before the banner (aviso) and the capture block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aviso_dias: int = Field(default=DEFAULT_AVISO_DIAS, ge=1, le=365)
    bloqueo_dias: int = Field(default=DEFAULT_BLOQUEO_DIAS, ge=1, le=365)

    @model_validator(mode="after")
    def _ordered(self) -> Umbrales:
        if self.bloqueo_dias < self.aviso_dias:
            raise ValueError("bloqueo_dias no puede ser menor que aviso_dias")
        return self

    def level(self, days: int) -> Staleness:
        if days >= self.bloqueo_dias:
            return Staleness.BLOQUEO
        if days >= self.aviso_dias:
            return Staleness.AVISO
        return Staleness.AL_DIA


class SinConexion(Umbrales):
    """The bundle's `sin_conexion`: the municipality's thresholds and each office's own."""

    por_oficina: dict[str, Umbrales] = Field(default_factory=dict)

    def for_office(self, oficina: str) -> Umbrales:
        own = self.por_oficina.get(oficina)
        return own if own is not None else Umbrales(aviso_dias=self.aviso_dias,
                                                    bloqueo_dias=self.bloqueo_dias)


DEFAULT_SIN_CONEXION = SinConexion()


def thresholds_of_payload(payload: dict[str, object], oficina: str) -> Umbrales:
    """The thresholds a bundle payload (parsed JSON) sets for `oficina`; defaults when absent
    or unreadable (a bundle the platform published was already checked by the windows)."""
    raw = payload.get("sin_conexion")
    if not isinstance(raw, dict):
        return DEFAULT_SIN_CONEXION.for_office(oficina)
    try:
        return SinConexion.model_validate(raw).for_office(oficina)
    except ValueError:
        return DEFAULT_SIN_CONEXION.for_office(oficina)
