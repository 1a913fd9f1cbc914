"""The bundle's `sin_conexion` schema (ARCHITECTURE §8): the thresholds' bounds and order, the
municipality's and each office's own. Read into the plain `wire.staleness.Umbrales` the window
and central apply."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wire.staleness import DEFAULT_AVISO_DIAS, DEFAULT_BLOQUEO_DIAS, Umbrales


class UmbralesSchema(BaseModel):
    """Days without reaching the platform before the banner (aviso) and the capture block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    aviso_dias: int = Field(default=DEFAULT_AVISO_DIAS, ge=1, le=365)
    bloqueo_dias: int = Field(default=DEFAULT_BLOQUEO_DIAS, ge=1, le=365)

    @model_validator(mode="after")
    def _ordered(self) -> UmbralesSchema:
        if self.bloqueo_dias < self.aviso_dias:
            raise ValueError("bloqueo_dias no puede ser menor que aviso_dias")
        return self

    def umbrales(self) -> Umbrales:
        return Umbrales(aviso_dias=self.aviso_dias, bloqueo_dias=self.bloqueo_dias)


class SinConexion(UmbralesSchema):
    """The bundle's `sin_conexion`: the municipality's thresholds and each office's own."""

    por_oficina: dict[str, UmbralesSchema] = Field(default_factory=dict)

    def for_office(self, oficina: str) -> Umbrales:
        own = self.por_oficina.get(oficina)
        return (own if own is not None else self).umbrales()


DEFAULT_SIN_CONEXION = SinConexion()
