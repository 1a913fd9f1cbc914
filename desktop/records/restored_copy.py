"""A window restored from a copy of its data folder: detected, blocked for capture, resynchronised.

The platform knows the last mutation id it acknowledged from this machine and the highest folio
number it received per year (GET /v1/sync/state). When the local store is behind either, or a
pending mutation reuses an id the platform recorded with other content, this folder is an older
copy: the sync run calls `begin_resync`, which
  - marks the window (Setting RESTORE_KEY) so that capture is refused until the resync ends,
  - moves each year's folio counter up to the platform's highest folio,
  - moves the outbox sequence past the platform's last mutation id, and the pending mutations
    from the first reused id on (captures, cancellations, payments made on the restored copy) to
    the ids right after it, so they are sent again instead of being answered "conflicto";
and, once the run has pulled this machine's own records back (pull with include_own), the sync
calls `finish_resync`, which lifts the block. Both steps leave an audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.clock import office_zone
from desktop.errors import VentanillaError
from desktop.records.audit import append_audit
from desktop.records.outbox_sequence import (
    advance_folio_counters,
    advance_outbox_sequence,
    advance_recibo_counters,
    folio_counters,
    move_pending_after,
    outbox_sequence,
    recibo_counters,
)
from formatting import format_datetime
from localdb.models import Setting
from wire.times import as_utc, from_machine_clock, office_time, utc_now

RESTORE_KEY = "sync.copia_restaurada"
SYSTEM_ACTOR = "sistema"
CAPTURE_REFUSED = (
    "Este equipo se restauró de una copia y la plataforma ya tiene expedientes más recientes "
    "capturados en él. Sincronice antes de capturar, para no repetir folios."
)


@dataclass(frozen=True)
class PlatformMarks:
    """What the platform has seen from this machine."""

    last_mutation_id: int
    folios: Mapping[int, int]  # year → highest folio number
    recibos: Mapping[int, int] = field(default_factory=dict)  # year → highest recibo number


def is_behind(session: Session, platform: PlatformMarks) -> bool:
    """True when this store has handed out fewer ids or folios than the platform has seen."""
    if outbox_sequence(session) < platform.last_mutation_id:
        return True
    counters, recibos = folio_counters(session), recibo_counters(session)
    return (any(counters.get(year, 0) < number for year, number in platform.folios.items())
            or any(recibos.get(year, 0) < number for year, number in platform.recibos.items()))


def _record(session: Session) -> dict[str, Any] | None:
    row = session.get(Setting, RESTORE_KEY)
    return json.loads(row.value) if row is not None else None


def _save(session: Session, record: dict[str, Any]) -> None:
    row = session.get(Setting, RESTORE_KEY)
    if row is None:
        session.add(Setting(key=RESTORE_KEY, value=json.dumps(record)))
    else:
        row.value = json.dumps(record)


def is_resyncing(session: Session) -> bool:
    record = _record(session)
    return record is not None and record.get("resincronizado_at") is None


def refuse_capture_while_resyncing(session: Session) -> None:
    if is_resyncing(session):
        raise VentanillaError(CAPTURE_REFUSED)


def begin_resync(session: Session, platform: PlatformMarks, first_reused_id: int | None) -> int:
    """Catch the counters up with the platform; returns how many pending mutations moved."""
    local_last = outbox_sequence(session)
    moved = 0
    if first_reused_id is not None:
        moved = move_pending_after(session, first_reused_id, platform.last_mutation_id)
    else:
        advance_outbox_sequence(session, platform.last_mutation_id)
    advance_folio_counters(session, platform.folios)
    advance_recibo_counters(session, platform.recibos)
    detail = {"ultimo_envio_local": local_last, "ultimo_envio_plataforma":
              platform.last_mutation_id, "folios_plataforma": {str(y): n for y, n in
                                                              platform.folios.items()},
              "envios_renumerados": moved}
    _save(session, {"detectado_at": _now(), "resincronizado_at": None, **detail})
    append_audit(session, SYSTEM_ACTOR, "sync.copia_restaurada", "", detail)
    return moved


def finish_resync(session: Session) -> None:
    record = _record(session)
    if record is None or record.get("resincronizado_at") is not None:
        return
    _save(session, {**record, "resincronizado_at": _now()})
    append_audit(session, SYSTEM_ACTOR, "sync.copia_resincronizada", "", {})


def restore_summary(session: Session) -> str:
    """One Spanish line for `main.py status`."""
    record = _record(session)
    if record is None:
        return "no"
    zone = office_zone(session)
    detected = _shown(record["detectado_at"], zone)
    if record.get("resincronizado_at") is None:
        return (f"sí, detectada el {detected}: captura bloqueada hasta que sincronice "
                f"({record['envios_renumerados']} envío(s) renumerado(s))")
    return (f"detectada el {detected} y resincronizada el "
            f"{_shown(record['resincronizado_at'], zone)} "
            f"({record['envios_renumerados']} envío(s) renumerado(s))")


def _now() -> str:
    """Now in UTC, marked so ("…+00:00"; ARCHITECTURE §6)."""
    return as_utc(utc_now()).isoformat(sep=" ")


def _shown(stamp: object, zone: str) -> str:
    """A stamp of `_now` on the office's wall clock; one without an offset was written by an
    older release with the machine's local clock."""
    try:
        at = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    return format_datetime(office_time(at if at.tzinfo else from_machine_clock(at), zone))
