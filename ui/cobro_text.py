"""How a fee rule reads in the catálogo ("2 UMA", "$45.00 por m²"…), before any answer."""

from __future__ import annotations

from decimal import Decimal

from desktop.bundle_schema import (
    Cobro,
    ReglaFijo,
    ReglaPorUnidad,
    ReglaTramos,
    ReglaUma,
    TramiteDef,
)
from desktop.fees import to_centavos
from ui.money import pesos


def describe_cobro(cobro: Cobro, tramite: TramiteDef, uma_diaria: Decimal) -> str:
    regla = cobro.regla
    if isinstance(regla, ReglaFijo):
        return pesos(regla.monto)
    if isinstance(regla, ReglaUma):
        return f"{regla.factor.normalize():f} UMA ({pesos(to_centavos(regla.factor * uma_diaria))})"
    labels = {c.clave: c.etiqueta.lower() for c in tramite.campos}
    if isinstance(regla, ReglaPorUnidad):
        return f"{pesos(regla.monto_unitario)} por unidad de {labels.get(regla.campo, regla.campo)}"
    if isinstance(regla, ReglaTramos):
        return f"Según tarifa por {labels.get(regla.campo, regla.campo)}"
    return "Se calcula con los datos capturados"
