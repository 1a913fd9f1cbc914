"""How long this window has gone without reaching the platform, and what that stops
(ARCHITECTURE §7 "Staleness").

The last contact is the end of the last complete sync run (or the enrollment), kept in the
setting CONTACT_SETTING together with the audit log's last id at that moment. The days counted
are whole days from it to "now", where now is never earlier than the newest of the last 200
audit entries written after the contact: turning the clock back does not give days back. A
contact recorded in the future (the clock was ahead then) counts as now, and is logged. All of
these are UTC (ARCHITECTURE §6; audit rows before `audit.utc_from` are read as the machine's
local clock); the banner shows them on the office's wall clock.

The thresholds come from the bundle in force (`sin_conexion`, wire.staleness): at `aviso_dias` the
window shows a banner; at `bloqueo_dias` capture is refused in the service until the next
successful sync, unless a supervisor granted a 24-hour extension (desktop/records/extension.py).
A demo office is exempt: it has no platform to reach.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit import UTC_FROM_SETTING
from formatting import format_datetime
from localdb.models import AuditEntry, ConfigBundleRecord, Setting, SyncState
from wire.staleness import Staleness, Umbrales, thresholds_of_payload
from wire.times import DEFAULT_ZONE, as_utc, from_machine_clock, office_time, utc_now

log = logging.getLogger(__name__)

CONTACT_SETTING = "sync.ultimo_contacto"
EXTENSION_SETTING = "sync.prorroga"
EXTENSION_HOURS = 24
FLOOR_ROWS = 200  # audit entries that keep "now" from going back with the clock


@dataclass(frozen=True)
class Extension:
    until: datetime
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class StaleStatus:
    level: Staleness
    days: int
    last_contact: datetime | None
    umbrales: Umbrales
    extension: Extension | None = None  # only while it lasts
    exempt: bool = False  # a demo office
    at: datetime | None = None  # the "now" the days were counted to
    zone: str = DEFAULT_ZONE  # the office's, for the banner's times

    @property
    def blocks_capture(self) -> bool:
        return self.level is Staleness.BLOQUEO and self.extension is None

    @property
    def shows_banner(self) -> bool:
        return self.level is not Staleness.AL_DIA


def clock_now() -> datetime:
    """Now as the contact and the audit rows keep it: naive UTC."""
    return utc_now()


def _read_both(session: Session) -> dict[str, dict[str, object]]:
    """The contact and extension settings, in one query (capture reads them on every save)."""
    found: dict[str, dict[str, object]] = {}
    for row in session.scalars(select(Setting).where(
            Setting.key.in_((CONTACT_SETTING, EXTENSION_SETTING)))):
        try:
            value = json.loads(row.value)
        except ValueError:
            value = None
        if isinstance(value, dict):
            found[row.key] = value
        else:
            log.warning("setting %s is unreadable; ignored", row.key)
    return found


def write_setting(session: Session, key: str, value: dict[str, object]) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text


def setting_instant(at: datetime) -> str:
    """A stored instant (naive UTC) as these settings keep it: marked UTC ("…+00:00")."""
    return as_utc(at.replace(microsecond=0)).isoformat()


def _read_instant(text: object) -> datetime:
    """A setting's instant as naive UTC; one without an offset was written by an older release
    with the machine's local clock."""
    return from_machine_clock(datetime.fromisoformat(str(text)))


def record_contact(session: Session, at: datetime) -> None:
    """The platform was reached at `at` (naive UTC: a complete sync run, or the enrollment)."""
    seq = session.scalar(select(func.max(AuditEntry.id))) or 0
    write_setting(session, CONTACT_SETTING,
                  {"at": setting_instant(at), "audit_seq": seq})


def _contact(stored: dict[str, object] | None, state: SyncState) -> tuple[datetime, int] | None:
    if stored is not None:
        try:
            return _read_instant(stored["at"]), int(str(stored.get("audit_seq", 0)))
        except (KeyError, ValueError):
            log.warning("last contact setting is unreadable; using last_success_at")
    if state.last_success_at is not None:  # a store from before this setting existed
        return state.last_success_at, 0
    return None


def effective_now(session: Session, now: datetime, since_seq: int) -> datetime:
    """`now`, but never earlier than the newest of the last FLOOR_ROWS audit entries written
    after the contact (a bounded read: capture pays it on every save). Rows before
    `audit.utc_from` hold the machine's local clock and are converted."""
    recent = (select(AuditEntry.id, AuditEntry.at).where(AuditEntry.id > since_seq)
              .order_by(AuditEntry.id.desc()).limit(FLOOR_ROWS).subquery())
    boundary = session.get(Setting, UTC_FROM_SETTING)
    utc_from = int(boundary.value) if boundary is not None else 0
    newest = session.scalar(select(func.max(recent.c.at)).where(recent.c.id >= utc_from))
    legacy = session.scalar(select(func.max(recent.c.at)).where(recent.c.id < utc_from))
    floors: list[datetime] = [now, *([newest] if newest is not None else []),
              *([from_machine_clock(legacy)] if legacy is not None else [])]
    return max(floors)


def _extension(stored: dict[str, object] | None, now: datetime) -> Extension | None:
    if stored is None:
        return None
    try:
        extension = Extension(_read_instant(stored["hasta"]), str(stored["por"]),
                              _read_instant(stored["concedida"]))
    except (KeyError, ValueError):
        log.warning("extension setting is unreadable; ignored")
        return None
    return extension if now < extension.until else None


def thresholds(session: Session, oficina: str) -> Umbrales:
    """The bundle in force's thresholds for `oficina` (defaults before any bundle). Read from the
    stored payload, verified when it was applied, without the whole bundle schema: `status`
    reports staleness and imports only what it reports (tests/test_start_imports.py)."""
    content = session.scalar(select(ConfigBundleRecord.content)
                             .order_by(ConfigBundleRecord.version.desc()).limit(1))
    if content is None:
        return Umbrales()
    return thresholds_of_payload(json.loads(content), oficina)


def read_stale_status(ctx: AppContext) -> StaleStatus:
    """For the window's banner (local lane)."""
    with ctx.read() as session:
        return stale_status(session)


def stale_status(session: Session, umbrales: Umbrales | None = None,
                 now: datetime | None = None, zone: str | None = None) -> StaleStatus:
    """Where this window stands; `umbrales` and `zone` when the caller already has the
    bundle."""
    state = session.get(SyncState, 1)
    if state is None or state.demo:
        return StaleStatus(Staleness.AL_DIA, 0, None, umbrales or Umbrales(), exempt=True)
    umbrales = umbrales or thresholds(session, state.oficina)
    zone = zone or office_zone(session)
    stored = _read_both(session)
    contact = _contact(stored.get(CONTACT_SETTING), state)
    if contact is None:
        return StaleStatus(Staleness.AL_DIA, 0, None, umbrales, zone=zone)
    last, seq = contact
    current = effective_now(session, now or clock_now(), seq)
    if last > current:
        log.warning("last contact with the platform (%s) is after the clock (%s); counted as now",
                    last.isoformat(), current.isoformat())
        current = last
    days = (current - last) // timedelta(days=1)
    extension = _extension(stored.get(EXTENSION_SETTING), current)
    return StaleStatus(umbrales.level(days), days, last, umbrales, extension, at=current,
                       zone=zone)


def capture_refused_message(status: StaleStatus) -> str:
    return (
        f"No se puede capturar: esta ventanilla no se ha comunicado con la plataforma desde hace "
        f"{status.days} días (el límite es {status.umbrales.bloqueo_dias}). Conecte el equipo a "
        "la red y use «Sincronizar ahora»; si no es posible, pida al supervisor una prórroga "
        f"de {EXTENSION_HOURS} horas."
    )


def refuse_capture_if_stale(session: Session, umbrales: Umbrales | None = None,
                            zone: str | None = None) -> None:
    status = stale_status(session, umbrales, zone=zone)
    if status.blocks_capture:
        raise VentanillaError(capture_refused_message(status))


def status_line(status: StaleStatus) -> str:
    """One Spanish line for `main.py status`."""
    if status.exempt:
        return "no aplica (oficina de demostración)"
    return banner_text(status) or (
        f"al día ({status.days} día(s) desde la última sincronización; aviso a los "
        f"{status.umbrales.aviso_dias}, bloqueo a los {status.umbrales.bloqueo_dias})")


def banner_text(status: StaleStatus) -> str:
    """The main window's banner, in Spanish; "" when none is due."""
    if not status.shows_banner or status.last_contact is None:
        return ""
    head = (f"Esta ventanilla no se ha comunicado con la plataforma desde hace {status.days} "
            f"días (última sincronización: "
            f"{format_datetime(office_time(status.last_contact, status.zone))}).")
    if status.extension is not None:
        return (f"{head} Prórroga concedida por {status.extension.granted_by} hasta el "
                f"{format_datetime(office_time(status.extension.until, status.zone))}; conecte "
                "el equipo y sincronice antes de que termine.")
    if status.level is Staleness.BLOQUEO:
        return (f"{head} La captura está bloqueada: conecte el equipo y use «Sincronizar "
                f"ahora», o pida al supervisor una prórroga de {EXTENSION_HOURS} horas.")
    return (f"{head} Conecte el equipo y sincronice: a los {status.umbrales.bloqueo_dias} días "
            "sin comunicación se bloqueará la captura.")
