"""The office's time zone at the platform (ARCHITECTURE §6, times): central stores instants in
UTC and shows them on the office's wall clock, the zone of the newest published bundle
(`zona_horaria`; the default zone before any bundle, or for a name this Python does not know).
Conversion is wire.times.office_time, the same function the windows use."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import ConfigBundle, Expediente
from wire.times import DEFAULT_ZONE, office_time, to_utc, zone_info


def platform_zone(session: Session) -> str:
    raw = session.scalar(select(ConfigBundle.payload).order_by(ConfigBundle.version.desc())
                         .limit(1))
    try:
        zone = json.loads(raw or b"{}").get("zona_horaria", DEFAULT_ZONE)
        zone_info(zone)
    except (ValueError, AttributeError, TypeError):
        return DEFAULT_ZONE
    return zone if isinstance(zone, str) else DEFAULT_ZONE


def stored_instant(session: Session, value: datetime) -> datetime:
    """A payload's instant as central stores it (naive UTC); a naive one, from a window older
    than UTC storage, is read as the office's wall clock."""
    return to_utc(value, platform_zone(session))


def local_text(value: datetime | None, zone: str) -> str:
    """`dd/mm/aaaa HH:MM (UTC-7)` on the office's wall clock; an em dash for None."""
    if value is None:
        return "—"
    local = office_time(value, zone)
    offset = local.utcoffset()
    hours = int(offset.total_seconds()) // 3600 if offset is not None else 0
    return f"{local:%d/%m/%Y %H:%M} (UTC{hours:+d})"


def captured_text(payload: dict[str, Any], zone: str) -> str:
    """When the window captured it, from the payload: an instant with its zone ("…Z", windows
    since UTC storage) on the office's wall clock; an older naive one as the window wrote it."""
    try:
        value = datetime.fromisoformat(str(payload.get("captured_at")))
    except ValueError:
        return "—"
    if value.tzinfo is None:
        return f"{value:%d/%m/%Y %H:%M} (hora de la ventanilla)"
    return local_text(value, zone)


def archivo_text(row: Expediente) -> str:
    """"Captura de archivo — folio original X del dd/mm/aaaa", as the window's acuse says it."""
    if not row.archivo_folio or row.archivo_fecha is None:
        return ""
    return (f"Captura de archivo — folio original {row.archivo_folio} del "
            f"{row.archivo_fecha:%d/%m/%Y}")
