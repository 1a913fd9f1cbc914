"""How a catálogo fee rule reads to the operador: "2 UMA ($226.28)", "$15.00 por unidad de…"."""

from __future__ import annotations

from decimal import Decimal

from catalogo.schema import (
    Cobro,
    ReglaFijo,
    ReglaPorUnidad,
    ReglaTramos,
    ReglaUma,
    TramiteDef,
)
from formatting import format_money


def describe_cobro(cobro: Cobro, tramite: TramiteDef, uma_diaria: Decimal) -> str:
    regla = cobro.regla
    if isinstance(regla, ReglaFijo):
        return format_money(regla.monto)
    if isinstance(regla, ReglaUma):
        return f"{regla.factor.normalize():f} UMA ({format_money(regla.factor * uma_diaria)})"
    labels = {c.clave: c.etiqueta.lower() for c in tramite.campos}
    if isinstance(regla, ReglaPorUnidad):
        unidad = labels.get(regla.campo, regla.campo)
        return f"{format_money(regla.monto_unitario)} por unidad de {unidad}"
    if isinstance(regla, ReglaTramos):
        return f"Según tarifa por {labels.get(regla.campo, regla.campo)}"
    return "Se calcula con los datos capturados"

