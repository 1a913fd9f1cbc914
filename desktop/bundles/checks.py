"""Referential sanity of a parsed bundle: what the pydantic schema alone cannot see.

Every problem is a BundleError that names the trámite and campo in Spanish, so the platform's
administrator can fix the catálogo before it reaches a window.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from desktop import __version__
from desktop.bundles.schema import (
    Bundle,
    Campo,
    Cobro,
    ReglaFijo,
    ReglaFormula,
    ReglaPorUnidad,
    ReglaTramos,
    ReglaUma,
    TramiteDef,
)
from desktop.capture.fees import UMA_NAME, FormulaError, formula_names
from desktop.errors import BundleError

_CRI = re.compile(r"^[0-9]+(\.[0-9]+)*$", re.ASCII)
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*$", re.ASCII)
_SOLICITANTE_TIPOS = {
    "nombre": "texto", "domicilio": "texto", "curp": "curp", "rfc": "rfc",
    "telefono": "telefono", "email": "email",
}


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def version_tuple(text: str) -> tuple[int, ...]:
    if not _VERSION.fullmatch(text):
        raise BundleError(f"La versión mínima de la aplicación «{text}» no es válida.")
    return tuple(int(part) for part in text.split("."))


def check_app_version(min_app_version: str, installed: str = __version__) -> None:
    if version_tuple(min_app_version) > version_tuple(installed):
        raise BundleError(
            f"Este paquete de configuración requiere Ventanilla {min_app_version} o posterior "
            f"(instalada: {installed}). Actualice la aplicación antes de importarlo."
        )


def check_bundle(bundle: Bundle) -> None:
    check_app_version(bundle.min_app_version)
    if bundle.uma_diaria <= 0:
        raise BundleError("El valor de la UMA del paquete debe ser mayor que cero.")
    try:
        re.compile(bundle.clave_catastral_patron)
    except re.error as exc:
        raise BundleError("El formato de clave catastral del paquete no es una expresión "
                          "válida.") from exc
    if dup := _duplicates(d.clave for d in bundle.dependencias):
        raise BundleError(f"El paquete repite la dependencia {', '.join(dup)}.")
    if dup := _duplicates(t.homoclave for t in bundle.tramites):
        raise BundleError(f"El paquete repite la homoclave {', '.join(dup)}.")
    dependencias = {d.clave for d in bundle.dependencias}
    for tramite in bundle.tramites:
        if tramite.dependencia not in dependencias:
            raise BundleError(
                f"El trámite {tramite.homoclave} usa la dependencia {tramite.dependencia} que no "
                "existe en el paquete."
            )
        check_tramite(tramite)


def check_tramite(tramite: TramiteDef) -> None:
    where = f"El trámite {tramite.homoclave}"
    if dup := _duplicates(c.clave for c in tramite.campos):
        raise BundleError(f"{where} repite el campo {', '.join(dup)}.")
    if dup := _duplicates(r.clave for r in tramite.requisitos):
        raise BundleError(f"{where} repite el requisito {', '.join(dup)}.")
    for campo in tramite.campos:
        _check_campo(where, campo)
    _check_solicitante(where, tramite.campos)
    numericos = {c.clave for c in tramite.campos if c.tipo == "numero"}
    for cobro in tramite.cobros:
        _check_cobro(where, cobro, numericos)


def _check_campo(where: str, campo: Campo) -> None:
    if campo.clave == UMA_NAME:
        raise BundleError(f"{where} usa la clave reservada «{UMA_NAME}» para un campo.")
    if campo.tipo == "seleccion":
        if not campo.opciones:
            raise BundleError(f"{where}: el campo {campo.clave} es de selección y no tiene "
                              "opciones.")
        if dup := _duplicates(o.valor for o in campo.opciones):
            raise BundleError(f"{where}: el campo {campo.clave} repite la opción "
                              f"{', '.join(dup)}.")
    if campo.minimo is not None and campo.maximo is not None and campo.minimo > campo.maximo:
        raise BundleError(f"{where}: el campo {campo.clave} tiene un mínimo mayor que su "
                          "máximo.")
    if campo.max_longitud is not None and campo.max_longitud < 1:
        raise BundleError(f"{where}: el campo {campo.clave} tiene una longitud máxima no válida.")
    expected = _SOLICITANTE_TIPOS.get(campo.dato_solicitante or "")
    if expected is not None and campo.tipo != expected:
        raise BundleError(f"{where}: el campo {campo.clave} es {campo.dato_solicitante} del "
                          f"solicitante y debe ser de tipo {expected}.")


def _check_solicitante(where: str, campos: list[Campo]) -> None:
    marked = [c.dato_solicitante for c in campos if c.dato_solicitante]
    if dup := _duplicates(marked):
        raise BundleError(f"{where} marca más de un campo como {', '.join(dup)} del solicitante.")
    if "nombre" not in marked:
        raise BundleError(f"{where} no tiene un campo marcado como nombre del solicitante.")


def _check_cobro(where: str, cobro: Cobro, numericos: set[str]) -> None:
    label = f"{where}, cobro «{cobro.concepto}»"
    if not _CRI.fullmatch(cobro.cri):
        raise BundleError(f"{label}: la clave CRI «{cobro.cri}» no es válida.")
    regla = cobro.regla
    if isinstance(regla, ReglaFijo | ReglaPorUnidad | ReglaUma):
        amount = {ReglaFijo: "monto", ReglaPorUnidad: "monto_unitario", ReglaUma: "factor"}
        if getattr(regla, amount[type(regla)]) < 0:
            raise BundleError(f"{label}: el importe no puede ser negativo.")
    if isinstance(regla, ReglaPorUnidad | ReglaTramos) and regla.campo not in numericos:
        raise BundleError(f"{label}: usa el campo {regla.campo}, que no existe o no es numérico.")
    if isinstance(regla, ReglaTramos):
        _check_tramos(label, regla)
    if isinstance(regla, ReglaFormula):
        _check_formula(label, regla, numericos)


def _check_tramos(label: str, regla: ReglaTramos) -> None:
    if not regla.tramos:
        raise BundleError(f"{label}: la tarifa por tramos no tiene tramos.")
    limits = [t.hasta for t in regla.tramos]
    if None in limits[:-1]:
        raise BundleError(f"{label}: solo el último tramo puede no tener límite superior.")
    finite = [h for h in limits if h is not None]
    if any(b <= a for a, b in pairwise(finite)):
        raise BundleError(f"{label}: los tramos deben ir en orden creciente.")
    if any(t.monto < 0 for t in regla.tramos):
        raise BundleError(f"{label}: el importe no puede ser negativo.")


def _check_formula(label: str, regla: ReglaFormula, numericos: set[str]) -> None:
    try:
        names = formula_names(regla.expresion)
    except FormulaError as exc:
        raise BundleError(f"{label}: {exc.message}") from exc
    if unknown := sorted(names - numericos - {UMA_NAME}):
        raise BundleError(f"{label}: la fórmula usa {', '.join(unknown)}, que no son campos "
                          f"numéricos del trámite ni «{UMA_NAME}».")
