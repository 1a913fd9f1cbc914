"""Offices and their windows as the console shows them: last seen, pending, versions, stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.bundles import latest_version
from central.machine_staleness import STALE_LABELS, StaleRule, stale_rule
from central.models import Machine, Office
from wire.staleness import Staleness


@dataclass(frozen=True)
class WindowRow:
    id: str
    ventanilla: str
    hostname: str
    last_seen: datetime | None
    pending: int | None
    app_version: str
    config_version: int | None  # served by GET /v1/config
    config_applied: int | None  # reported by the window
    revoked_at: datetime | None
    stale_reasons: tuple[str, ...]


@dataclass(frozen=True)
class OfficeRow:
    clave: str
    nombre: str
    municipio: str
    windows: list[WindowRow]


def offices_with_windows(session: Session) -> list[OfficeRow]:
    latest, rule = latest_version(session), stale_rule(session)
    machines = session.scalars(select(Machine).order_by(Machine.office, Machine.ventanilla))
    by_office: dict[str, list[WindowRow]] = {}
    for m in machines:
        by_office.setdefault(m.office, []).append(WindowRow(
            m.id, m.ventanilla, m.hostname, m.last_seen, m.pending, m.app_version,
            m.config_version, m.config_applied, m.revoked_at, _stale_reasons(m, latest, rule)))
    return [OfficeRow(o.clave, o.nombre, o.municipio, by_office.get(o.clave, []))
            for o in session.scalars(select(Office).order_by(Office.clave))]


def _stale_reasons(machine: Machine, latest_config: int, rule: StaleRule) -> tuple[str, ...]:
    if machine.revoked_at is not None:
        return ()
    reasons = []
    level = rule.level(machine)
    if level is not Staleness.AL_DIA:
        reasons.append(f"sin comunicación hace {rule.days(machine)} días ({STALE_LABELS[level]})")
    if machine.pending:
        reasons.append(f"{machine.pending} por enviar")
    config = machine.config_applied if machine.config_applied is not None \
        else machine.config_version
    if latest_config and (config or 0) < latest_config:
        reasons.append("catálogo anterior")
    return tuple(reasons)
