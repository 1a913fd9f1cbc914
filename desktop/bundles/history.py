"""The configuration history (ARCHITECTURE §8): every applied bundle with how it arrived, who
signed and applied it, and its impact report; the admin's configuration view reads it here.

Reading it is for administrators only (`Permission.IMPORT_CONFIG`), refused in this service.
Times are stored UTC and handed to the view on the office's wall clock (ARCHITECTURE §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from catalogo.impact import ImpactReport
from catalogo.impact_text import report_from_json, summary_line
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import current_bundle
from desktop.bundles.impact_inputs import SOURCE_DEMO, SOURCE_FILE, SOURCE_PLATFORM
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.errors import NotFound
from localdb.models import ConfigBundleRecord
from wire.times import office_time

SOURCE_LABELS = {SOURCE_PLATFORM: "Plataforma (sincronización)",
                 SOURCE_FILE: "Archivo importado", SOURCE_DEMO: "Demostración"}


@dataclass(frozen=True)
class AppliedBundle:
    version: int
    sha256: str
    source: str  # Spanish label
    applied_by: str
    applied_at: datetime
    published_at: datetime | None
    key_id: str
    summary: str  # the impact's one line, or "—" before the history kept it
    has_report: bool


@dataclass(frozen=True)
class ConfigOverview:
    """The admin's configuration view: the bundle in force and every one applied before it."""

    current: AppliedBundle | None
    valid_from: date | None
    tramites: int
    history: list[AppliedBundle]  # newest first


def _applied(record: ConfigBundleRecord, zone: str) -> AppliedBundle:
    summary = (record.impact or {}).get("summary", "—")
    return AppliedBundle(
        version=record.version, sha256=record.sha256,
        source=SOURCE_LABELS.get(record.source or "", "—"),
        applied_by=record.applied_by or "—", applied_at=office_time(record.applied_at, zone),
        published_at=shown(record.published_at, zone), key_id=record.key_id or "—",
        summary=str(summary),
        has_report=record.impact is not None,
    )


def config_overview(ctx: AppContext, user: CurrentUser) -> ConfigOverview:
    require(user, Permission.IMPORT_CONFIG)
    with ctx.read() as session:
        records = list(session.scalars(
            select(ConfigBundleRecord).order_by(ConfigBundleRecord.version.desc())))
        zone = office_zone(session)
        history = [_applied(r, zone) for r in records]
        bundle = current_bundle(session) if records else None
    return ConfigOverview(history[0] if history else None,
                          bundle.valid_from if bundle else None,
                          len(bundle.tramites) if bundle else 0, history)


def applied_report(ctx: AppContext, user: CurrentUser, version: int) -> ImpactReport:
    """The impact report kept with an applied bundle."""
    require(user, Permission.IMPORT_CONFIG)
    with ctx.read() as session:
        record = session.get(ConfigBundleRecord, version)
        impact = record.impact if record is not None else None
    if impact is None:
        raise NotFound(f"La configuración versión {version} no tiene reporte de impacto "
                       "guardado (se aplicó antes de que este equipo los guardara).")
    return report_from_json(impact)


def latest_notice(ctx: AppContext) -> tuple[int, str] | None:
    """(version, "Configuración versión 3 aplicada: 1 trámite nuevo, 2 cambiados") of the bundle
    in force, for the notice every user of the window sees once sync applied it."""
    with ctx.read() as session:
        record = session.scalars(select(ConfigBundleRecord)
                                 .order_by(ConfigBundleRecord.version.desc()).limit(1)).first()
        if record is None:
            return None
        version, impact = record.version, record.impact
    if impact is None:
        return version, f"Configuración versión {version} aplicada."
    return version, summary_line(report_from_json(impact), applied=True)
