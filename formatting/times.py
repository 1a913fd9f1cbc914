"""The office's clock: instants are stored in UTC and shown in the office's time zone.

`office_time` is the one conversion from a stored instant to the office's wall clock; screens,
paper, the CLI and central's pages call it (through `desktop/clock.py` at the window) right before
formatting, and nothing else converts. A stored instant is a naive datetime in UTC (the local
store and central both keep them so) or an aware one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "America/Mexico_City"


def zone_info(name: str) -> ZoneInfo:
    """The IANA zone `name` (e.g. "America/Hermosillo"); ValueError in Spanish when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"«{name}» no es una zona horaria IANA conocida "
                         "(p. ej. America/Mexico_City, America/Hermosillo)") from exc


def office_time(value: datetime, zone: str) -> datetime:
    """The instant `value` (naive = UTC) on the office's wall clock, as an aware datetime."""
    instant = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return instant.astimezone(zone_info(zone))


def office_date(value: datetime, zone: str) -> date:
    """The office's calendar date of the instant `value` (naive = UTC)."""
    return office_time(value, zone).date()


def utc_now() -> datetime:
    """Now, as the stores keep it: naive UTC, whole seconds."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
