"""Configuration bundles (ARCHITECTURE §8): verify, apply in one transaction, import from a file.

The envelope and signature live in `desktop.bundles.signing` (its docstring is the file format);
the referential checks in `desktop.bundles.checks`. A refused bundle leaves the configuration in
force untouched, and every refusal is a BundleError with a Spanish message.

Trámite versions are never deleted: an old version stays (inactive) because drafts, expedientes
and records pulled from other windows may point at it. On enrollment the demo catálogo is retired
(`retire_demo_configuration`): the platform's first bundle applies whatever its version number,
and may redefine the trámite versions the demo left behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from catalogo.impact import ImpactReport, impact_report
from catalogo.impact_text import report_json
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundle_in_force import bundle_in_force, derived
from desktop.bundles.checks import check_bundle
from desktop.bundles.impact_inputs import SOURCE_FILE, draft_refs, pinned_key_id
from desktop.bundles.schema import Bundle, TramiteDef
from desktop.bundles.signing import (
    check_signature,
    read_bundle_file,
    sign_bundle,
    write_bundle_file,
)
from desktop.context import AppContext
from desktop.errors import BundleError, NotFound
from desktop.records.audit import append_audit
from localdb.models import ConfigBundleRecord, Dependencia, SyncState, Tramite
from wire.times import utc_now

__all__ = [
    "applied_version",
    "apply_bundle",
    "current_bundle",
    "import_bundle_bytes",
    "import_bundle_file",
    "preview_bundle",
    "read_bundle_file",
    "retire_demo_configuration",
    "sign_bundle",
    "verify_bundle",
    "write_bundle_file",
]

log = logging.getLogger(__name__)

# Tramite.bundle_version of the rows the demo catálogo left behind at enrollment: they stay for
# the demo expedientes and drafts that point at them; the platform's configuration may redefine
# them.
RETIRED_DEMO_VERSION = 0

_PYDANTIC_ES = {
    "missing": "falta el dato",
    "extra_forbidden": "dato no reconocido",
    "int_parsing": "debe ser un número entero", "int_type": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "decimal_parsing": "debe ser un número", "decimal_type": "debe ser un número",
    "finite_number": "debe ser un número finito",
    "string_type": "debe ser texto", "bool_type": "debe ser verdadero o falso",
    "bool_parsing": "debe ser verdadero o falso", "list_type": "debe ser una lista",
    "model_type": "debe ser un objeto", "dict_type": "debe ser un objeto",
    "date_from_datetime_parsing": "debe ser una fecha AAAA-MM-DD",
    "date_parsing": "debe ser una fecha AAAA-MM-DD", "date_type": "debe ser una fecha",
    "literal_error": "valor no permitido", "union_tag_invalid": "tipo de regla desconocido",
    "union_tag_not_found": "falta el tipo de regla",
    "string_pattern_mismatch": "formato no válido",
    "greater_than_equal": "valor demasiado pequeño", "less_than_equal": "valor demasiado grande",
}


def _describe(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(raíz)"
    return f"«{where}»: {_PYDANTIC_ES.get(error['type'], 'valor no válido')}"


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def parse_payload(payload: bytes) -> Bundle:
    """JSON → Bundle (schema only; no signature or referential checks)."""
    try:
        data = json.loads(payload.decode("utf-8"), parse_float=Decimal,
                          object_pairs_hook=_reject_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("El contenido del paquete de configuración no es JSON válido.") from exc
    try:
        return Bundle.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        more = f" (y {len(errors) - 1} problema(s) más)" if len(errors) > 1 else ""
        raise BundleError(
            f"El paquete de configuración no tiene el formato esperado: {_describe(errors[0])}"
            f"{more}."
        ) from exc


def verify_bundle(payload: bytes, signature: bytes, public_key_pem: str) -> Bundle:
    """Signature first (nothing unsigned is even parsed), then schema, then referential sanity."""
    check_signature(payload, signature, public_key_pem)
    bundle = parse_payload(payload)
    check_bundle(bundle)
    return bundle


def applied_version(session: Session) -> int:
    """The version in force: sync_state's, or the newest stored bundle if sync_state lags."""
    state = session.get(SyncState, 1)
    stored = session.scalar(select(func.max(ConfigBundleRecord.version))) or 0
    return max(state.config_version if state else 0, stored)


def _refuse_old(bundle: Bundle, current: int) -> None:
    if bundle.version == current:
        raise BundleError(f"El paquete de configuración versión {bundle.version} ya está "
                          "aplicado en este equipo; no hay nada que cambiar.")
    if bundle.version < current:
        raise BundleError(f"El paquete es de la versión {bundle.version} y este equipo ya tiene "
                          f"la versión {current}; no se puede regresar a una configuración "
                          "anterior.")


def _upsert_dependencias(session: Session, bundle: Bundle) -> None:
    for dep in bundle.dependencias:
        row = session.get(Dependencia, dep.clave)
        if row is None:
            session.add(Dependencia(clave=dep.clave, nombre=dep.nombre, siglas=dep.siglas))
        else:
            row.nombre, row.siglas = dep.nombre, dep.siglas
    session.flush()


def _existing_version(session: Session, tdef: TramiteDef) -> Tramite | None:
    return session.scalars(select(Tramite).where(
        Tramite.homoclave == tdef.homoclave, Tramite.version == tdef.version)).first()


def _put_tramite(session: Session, tdef: TramiteDef, bundle_version: int) -> None:
    definition = tdef.model_dump(mode="json")
    row = _existing_version(session, tdef)
    if row is None:
        session.add(Tramite(
            homoclave=tdef.homoclave, version=tdef.version, dependencia_clave=tdef.dependencia,
            nombre=tdef.nombre, nivel_digitalizacion=tdef.nivel_digitalizacion,
            plazo_dias=tdef.plazo_dias, definition=definition, bundle_version=bundle_version,
            active=True,
        ))
    elif row.bundle_version == RETIRED_DEMO_VERSION:
        _adopt_demo_leftover(row, tdef, definition, bundle_version)
    elif row.definition != definition:
        raise BundleError(
            f"El trámite {tdef.homoclave} versión {tdef.version} ya existe en este equipo con "
            "otro contenido; la plataforma debe publicar el cambio como una versión nueva."
        )
    else:
        row.active = True


def _adopt_demo_leftover(row: Tramite, tdef: TramiteDef, definition: dict[str, Any],
                         bundle_version: int) -> None:
    """The platform's definition replaces the retired demo one under the same version."""
    if row.definition != definition:
        log.info("trámite %s v%s of the demo catálogo redefined by bundle %s",
                 tdef.homoclave, tdef.version, bundle_version)
    row.dependencia_clave, row.nombre = tdef.dependencia, tdef.nombre
    row.nivel_digitalizacion, row.plazo_dias = tdef.nivel_digitalizacion, tdef.plazo_dias
    row.definition, row.bundle_version, row.active = definition, bundle_version, True


def retire_demo_configuration(session: Session) -> int:
    """On enrollment, inside the caller's transaction: the demo catálogo stops being in force, so
    the platform's first bundle applies even if it reuses the demo's version number. Returns the
    retired version. Until the platform's bundle arrives no trámite is active."""
    retired = applied_version(session)
    session.execute(update(Tramite).values(active=False, bundle_version=RETIRED_DEMO_VERSION))
    session.execute(delete(ConfigBundleRecord))
    state = session.get(SyncState, 1)
    if state is not None:
        state.config_version, state.config_etag = 0, None
    return retired


def _deactivate_others(session: Session, bundle: Bundle) -> None:
    current = {(t.homoclave, t.version) for t in bundle.tramites}
    for row in session.scalars(select(Tramite).where(Tramite.active.is_(True))):
        if (row.homoclave, row.version) not in current:
            row.active = False


@dataclass(frozen=True)
class Provenance:
    """How a bundle arrived, kept in its history row (ARCHITECTURE §8)."""

    source: str = SOURCE_FILE
    applied_by: str = "sistema"
    published_at: datetime | None = None


def in_force_or_none(session: Session) -> Bundle | None:
    try:
        return current_bundle(session)
    except NotFound:
        return None


def bundle_impact(session: Session, bundle: Bundle) -> ImpactReport:
    """What applying `bundle` would change against the configuration in force."""
    return impact_report(in_force_or_none(session), bundle, draft_refs(session))


def _kept_impact(session: Session, bundle: Bundle) -> ImpactReport | None:
    """The report the history keeps; a report that fails never keeps a verified bundle out."""
    try:
        return bundle_impact(session, bundle)
    except Exception:
        log.exception("impact report of config bundle %s failed; applied without it",
                      bundle.version)
        return None


def apply_bundle(session: Session, bundle: Bundle, payload: bytes, signature: bytes,
                 provenance: Provenance | None = None) -> ImpactReport | None:
    """Make a verified bundle the configuration in force, inside the caller's transaction, and
    keep it in the history with its impact report (returned; None if it could not be made).

    Runs in a SAVEPOINT, so a failure half-way leaves the store as it was even if the caller
    goes on with its transaction."""
    _refuse_old(bundle, applied_version(session))
    provenance = provenance or Provenance()
    report = _kept_impact(session, bundle)
    with session.begin_nested():
        _upsert_dependencias(session, bundle)
        for tdef in bundle.tramites:
            _put_tramite(session, tdef, bundle.version)
        session.flush()
        _deactivate_others(session, bundle)
        session.add(ConfigBundleRecord(
            version=bundle.version, sha256=hashlib.sha256(payload).hexdigest(), content=payload,
            signature=signature, applied_at=utc_now(),
            source=provenance.source, applied_by=provenance.applied_by[:64],
            key_id=pinned_key_id(session), published_at=provenance.published_at,
            impact=report_json(report) if report is not None else None,
        ))
        state = session.get(SyncState, 1)
        if state is not None:
            state.config_version = bundle.version
        session.flush()
    log.info("config bundle %s applied (%d trámites)", bundle.version, len(bundle.tramites))
    return report


def _pinned_key(session: Session) -> str:
    state = session.get(SyncState, 1)
    if state is None or not state.platform_public_key:
        raise BundleError("Este equipo no tiene registrada la llave de la plataforma; enrólelo "
                          "antes de importar configuración.")
    return state.platform_public_key


def _audit_refusal(ctx: AppContext, user: CurrentUser, name: str, error: BundleError) -> None:
    """Record the refused import in its own transaction (the import's own was rolled back)."""
    try:
        with ctx.write() as session:
            append_audit(session, user.username, "config.import_refused", name[:64],
                         {"file": name, "reason": error.message})
    except Exception:  # the refusal itself is what the user must see
        log.exception("could not audit a refused config import")


def import_bundle_file(ctx: AppContext, path: Path, user: CurrentUser) -> Bundle:
    """Import a signed bundle from a file (e.g. a USB stick), verified with the pinned key."""
    require(user, Permission.IMPORT_CONFIG)
    try:
        payload, signature = read_bundle_file(path)
    except BundleError as error:
        _audit_refusal(ctx, user, path.name, error)
        raise
    return import_bundle_bytes(ctx, user, path.name, payload, signature)


def import_bundle_bytes(ctx: AppContext, user: CurrentUser, name: str, payload: bytes,
                        signature: bytes) -> Bundle:
    """Import the envelope read from file `name` (already read, e.g. when it was previewed):
    the signature is checked again with the pinned key in the applying transaction."""
    require(user, Permission.IMPORT_CONFIG)
    try:
        with ctx.write() as session:
            bundle = verify_bundle(payload, signature, _pinned_key(session))
            apply_bundle(session, bundle, payload, signature,
                         Provenance(SOURCE_FILE, user.username))
            append_audit(session, user.username, "config.import", f"config:{bundle.version}",
                         {"version": bundle.version, "file": name,
                          "sha256": hashlib.sha256(payload).hexdigest(),
                          "tramites": len(bundle.tramites)})
    except BundleError as error:
        _audit_refusal(ctx, user, name, error)
        raise
    return bundle


def preview_bundle(session: Session, payload: bytes, signature: bytes) -> tuple[Bundle,
                                                                             ImpactReport]:
    """Verify an envelope like an import does (pinned key, schema, checks, never older than the
    version in force) and report its impact; nothing is written."""
    bundle = verify_bundle(payload, signature, _pinned_key(session))
    _refuse_old(bundle, applied_version(session))
    return bundle, bundle_impact(session, bundle)


def stored_bundle(session: Session, version: int, sha256: str) -> Bundle:
    """An applied bundle, parsed once per process and hash (desktop/bundle_in_force.py)."""
    return derived(session, version, sha256, _parsed)


def _parsed(content: bytes | None) -> Bundle:
    return parse_payload(content or b"")


def current_bundle(session: Session) -> Bundle:
    """The bundle in force (the newest applied); NotFound when none was ever applied."""
    newest = bundle_in_force(session)
    if newest is None:
        raise NotFound("Este equipo todavía no tiene configuración de trámites: sincronice con "
                       "la plataforma o importe un paquete de configuración.")
    return stored_bundle(session, *newest)
