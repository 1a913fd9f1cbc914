"""The office's clock at the window (ARCHITECTURE §6, times): the zone set by the bundle in force,
today's date there, and a stored instant on the office's wall clock.

Instants are stored in UTC (`formatting.utc_now`); every screen, paper and CLI line shows them in
the office's zone through `formatting.office_time`. Calendar facts (the folio's year, días
hábiles, "today") are the office's local date.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy.orm import Session

from desktop.bundle_in_force import bundle_in_force, derived
from desktop.context import AppContext
from wire.times import DEFAULT_ZONE, office_date, office_time, utc_now


def office_zone(session: Session) -> str:
    """The IANA zone of the bundle in force (validated when the bundle was applied); the default
    zone before any bundle. Read from the bundle's text once per process and hash
    (desktop/bundle_in_force.py)."""
    newest = bundle_in_force(session)
    return DEFAULT_ZONE if newest is None else derived(session, *newest, _zone_of)


def _zone_of(content: bytes | None) -> str:
    zone = json.loads(content).get("zona_horaria", DEFAULT_ZONE) if content else DEFAULT_ZONE
    return zone if isinstance(zone, str) else DEFAULT_ZONE


def office_today(ctx: AppContext) -> date:
    with ctx.read() as session:
        return office_date(utc_now(), office_zone(session))


def shown(value: datetime | None, zone: str) -> datetime | None:
    """A stored instant (or None) as the office's wall clock shows it, for a screen or a line."""
    return None if value is None else office_time(value, zone)
