"""The bundle schema now lives in the leaf `catalogo.schema` (ARCHITECTURE §3, §8), shared with
`central/`; these names stay importable from here."""

from catalogo.schema import (
    BUNDLE_FORMAT,
    Bundle,
    Campo,
    Cobro,
    DatoSolicitante,
    DependenciaDef,
    Municipio,
    Opcion,
    Regla,
    ReglaFijo,
    ReglaFormula,
    ReglaPorUnidad,
    ReglaTramos,
    ReglaUma,
    Requisito,
    TipoCampo,
    TramiteDef,
    Tramo,
)

__all__ = [
    "BUNDLE_FORMAT", "Bundle", "Campo", "Cobro", "DatoSolicitante", "DependenciaDef",
    "Municipio", "Opcion", "Regla", "ReglaFijo", "ReglaFormula", "ReglaPorUnidad", "ReglaTramos",
    "ReglaUma", "Requisito", "TipoCampo", "TramiteDef", "Tramo",
]
