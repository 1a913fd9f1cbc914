"""How catálogo facts read to the operador: fee rules ("2 UMA"…) and plazos ("1 día hábil")."""

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


def plazo_text(dias: int) -> str:
    if dias <= 0:
        return "inmediato"
    return f"{dias} día hábil" if dias == 1 else f"{dias} días hábiles"
