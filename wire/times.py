"""The time rule both sides keep (ARCHITECTURE §6): instants are stored and sent in UTC and
shown in the office's time zone, the IANA name the bundle sets (`zona_horaria`).

`office_time` is the one conversion from a stored instant to the office's wall clock: the
window's screens, papers and CLI (through `desktop/clock.py`) and central's pages call it right
before formatting, and nothing else converts for display. It lives in `wire/`, the one package
both the window and central import. A stored instant is a naive datetime in UTC (the local store
and central both keep them so) or an aware one; payloads carry them aware ("…Z").
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


def from_machine_clock(value: datetime) -> datetime:
    """A naive time written by this machine's local clock (releases before UTC storage; the
    audit rows before `audit.utc_from`) as naive UTC."""
    return value.astimezone(UTC).replace(tzinfo=None)


def as_utc(value: datetime) -> datetime:
    """A stored instant (naive UTC) marked as UTC, as wire payloads carry it ("…Z")."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def to_utc(value: datetime, zone: str) -> datetime:
    """An instant to store (naive UTC): an aware one converted; a naive one read as the office's
    wall clock in `zone` (what releases before UTC storage sent and stored)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=zone_info(zone))
    try:
        return aware.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # hours from year 1 or 9999: nothing real; kept as given
        return value.replace(tzinfo=None)
