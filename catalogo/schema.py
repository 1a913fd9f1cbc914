"""The configuration bundle's content (ARCHITECTURE §8), validated with pydantic.

A bundle file is an envelope {"payload": base64(canonical JSON), "signature": base64(Ed25519)}.
The payload parses into `Bundle`; `TramiteDef` is also what a trámite row's `definition` holds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wire.sin_conexion import DEFAULT_SIN_CONEXION, SinConexion
from wire.times import DEFAULT_ZONE, zone_info

BUNDLE_FORMAT = "ventanilla-bundle/1"

TipoCampo = Literal[
    "texto", "numero", "fecha", "seleccion", "booleano", "curp", "rfc", "cp",
    "telefono", "email", "clave_catastral", "archivo",
]
DatoSolicitante = Literal["nombre", "curp", "rfc", "telefono", "email", "domicilio"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Opcion(_Strict):
    valor: str
    etiqueta: str


class Campo(_Strict):
    clave: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    etiqueta: str
    tipo: TipoCampo
    requerido: bool = False
    ayuda: str = ""
    opciones: list[Opcion] = []
    minimo: Decimal | None = None
    maximo: Decimal | None = None
    max_longitud: int | None = None
    dato_solicitante: DatoSolicitante | None = None


class Requisito(_Strict):
    clave: str
    descripcion: str
    obligatorio: bool = True


class ReglaFijo(_Strict):
    tipo: Literal["fijo"]
    monto: Decimal


class ReglaPorUnidad(_Strict):
    tipo: Literal["por_unidad"]
    campo: str
    monto_unitario: Decimal


class ReglaUma(_Strict):
    tipo: Literal["uma"]
    factor: Decimal


class Tramo(_Strict):
    hasta: Decimal | None  # None = sin límite superior
    monto: Decimal


class ReglaTramos(_Strict):
    tipo: Literal["tramos"]
    campo: str
    tramos: list[Tramo]


class ReglaFormula(_Strict):
    tipo: Literal["formula"]
    expresion: str


Regla = Annotated[
    ReglaFijo | ReglaPorUnidad | ReglaUma | ReglaTramos | ReglaFormula,
    Field(discriminator="tipo"),
]


class Cobro(_Strict):
    concepto: str
    cri: str  # Clasificador por Rubros de Ingresos code, e.g. "4.3.1.1"
    regla: Regla


class TramiteDef(_Strict):
    homoclave: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    version: int = Field(ge=1)
    nombre: str
    dependencia: str
    nivel_digitalizacion: int = Field(ge=1, le=4)
    plazo_dias: int = Field(ge=0)
    descripcion: str = ""
    campos: list[Campo]
    requisitos: list[Requisito]
    cobros: list[Cobro]


class DependenciaDef(_Strict):
    clave: str
    nombre: str
    siglas: str = ""


class Municipio(_Strict):
    nombre: str
    estado: str


class Bundle(_Strict):
    format: Literal["ventanilla-bundle/1"]
    version: int = Field(ge=1)
    valid_from: date
    min_app_version: str
    municipio: Municipio
    uma_diaria: Decimal
    clave_catastral_patron: str
    max_anexo_mb: int = Field(ge=1, le=100)
    aviso_privacidad: str
    dependencias: list[DependenciaDef]
    tramites: list[TramiteDef]
    # The municipality's own días inhábiles, besides weekends and the LFT art. 74 rest days.
    # Optional, and left out of the payload when empty: bundles signed before it keep their bytes.
    dias_inhabiles: list[date] = Field(default=[], exclude_if=lambda value: not value)
    # Days without reaching the platform before the banner and the capture block
    # (wire.sin_conexion).
    # Optional, and left out of the payload when it is the default: older bundles keep their bytes.
    sin_conexion: SinConexion = Field(default=DEFAULT_SIN_CONEXION,
                                      exclude_if=lambda value: value == DEFAULT_SIN_CONEXION)
    # Días hábiles after capture an orden de pago can be paid (its fecha límite); unset means
    # DEFAULT_DIAS_PARA_PAGO. Left out of the payload when unset, like dias_inhabiles.
    dias_para_pago: int | None = Field(default=None, ge=1, le=90,
                                       exclude_if=lambda value: value is None)
    # The office's time zone (IANA name): times are stored in UTC and shown in it. Left out of
    # the payload when it is the default, so bundles signed before it keep their bytes.
    zona_horaria: str = Field(default=DEFAULT_ZONE, exclude_if=lambda value: value == DEFAULT_ZONE)

    @field_validator("zona_horaria")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone_info(value)
        return value
