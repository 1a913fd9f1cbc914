"""Offices and their windows as the console shows them: last seen, pending, versions, stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.bundles import latest_version
from central.models import Machine, Office, utc_now

STALE_AFTER = timedelta(hours=24)  # a window not seen for this long is flagged


@dataclass(frozen=True)
class WindowRow:
    id: str
    ventanilla: str
    hostname: str
    last_seen: datetime | None
    pending: int | None
    app_version: str
    config_version: int | None
    revoked_at: datetime | None
    stale_reasons: tuple[str, ...]


@dataclass(frozen=True)
class OfficeRow:
    clave: str
    nombre: str
    municipio: str
    windows: list[WindowRow]


def offices_with_windows(session: Session) -> list[OfficeRow]:
    latest = latest_version(session)
    machines = session.scalars(select(Machine).order_by(Machine.office, Machine.ventanilla))
    by_office: dict[str, list[WindowRow]] = {}
    for m in machines:
        by_office.setdefault(m.office, []).append(WindowRow(
            m.id, m.ventanilla, m.hostname, m.last_seen, m.pending, m.app_version,
            m.config_version, m.revoked_at, _stale_reasons(m, latest)))
    return [OfficeRow(o.clave, o.nombre, o.municipio, by_office.get(o.clave, []))
            for o in session.scalars(select(Office).order_by(Office.clave))]


def _stale_reasons(machine: Machine, latest_config: int) -> tuple[str, ...]:
    if machine.revoked_at is not None:
        return ()
    reasons = []
    if machine.last_seen is None or utc_now() - machine.last_seen > STALE_AFTER:
        reasons.append("sin sincronizar en 24 h")
    if machine.pending:
        reasons.append(f"{machine.pending} por enviar")
    if latest_config and (machine.config_version or 0) < latest_config:
        reasons.append("catálogo anterior")
    return tuple(reasons)
