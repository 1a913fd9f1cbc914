"""Pulled changes this machine could not apply, kept aside so the pull cursor never stalls.

A change is set aside with its reason (Spanish, for `status` and support) when applying it fails,
and so is every later change of the same expediente, so they are applied in their order once the
cause goes away (e.g. the trámite version arrives with the next configuration, or an upgraded app
understands the data). Each run retries them all before pulling; an epoch reset forgets them,
since the pull starts over from the beginning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop.errors import VentanillaError
from localdb.models import SetAsideChange
from wire.times import utc_now

if TYPE_CHECKING:  # the pull's model; `status` reads this module without it (issue 15)
    from wire.protocol import Change

log = logging.getLogger(__name__)

# What a change that cannot be applied raises: our own refusals, a constraint the local store
# enforces, or data an older app does not understand.
UNAPPLIABLE = (VentanillaError, SQLAlchemyError, ValueError, TypeError, LookupError,
               ArithmeticError)
WAITS_FOR_EARLIER = "Espera a que se aplique un cambio anterior del mismo expediente."
Apply = Callable[[Session, "Change"], None]


def reason_of(exc: Exception) -> str:
    if isinstance(exc, VentanillaError):
        return exc.message
    return f"No se pudo aplicar en este equipo ({type(exc).__name__}: {exc})"[:500]


def try_apply(session: Session, change: Change, apply: Apply) -> str | None:
    """Apply `change` in a savepoint; None when applied, else the reason it was not."""
    try:
        with session.begin_nested():
            apply(session, change)
    except UNAPPLIABLE as exc:
        log.warning("change %d (%s) not applied: %s", change.version, change.kind,
                    type(exc).__name__)
        return reason_of(exc)
    return None


def blocked_entities(session: Session) -> set[str]:
    return set(session.scalars(select(SetAsideChange.entity_uuid)))


def set_aside(session: Session, change: Change, epoch: str | None, reason: str) -> None:
    now = utc_now()
    row = session.get(SetAsideChange, change.version)
    if row is None:
        session.add(SetAsideChange(version=change.version, epoch=epoch, kind=change.kind,
                                   entity_uuid=change.entity_uuid, data=change.data,
                                   reason=reason, attempts=1, set_aside_at=now,
                                   last_attempt_at=now))
    else:
        row.reason, row.attempts, row.last_attempt_at = reason, row.attempts + 1, now


def retry_set_aside(session: Session, apply: Apply) -> int:
    """Retry every change set aside, in version order; returns how many now applied."""
    from wire.protocol import Change

    rows = session.scalars(select(SetAsideChange).order_by(SetAsideChange.version)).all()
    blocked: set[str] = set()
    applied = 0
    for row in rows:
        change = Change(version=row.version, kind=row.kind, entity_uuid=row.entity_uuid,
                        data=row.data)
        reason = WAITS_FOR_EARLIER if row.entity_uuid in blocked else try_apply(
            session, change, apply)
        if reason is None:
            session.delete(row)
            applied += 1
        else:
            set_aside(session, change, row.epoch, reason)
            blocked.add(row.entity_uuid)
    session.flush()
    return applied


def forget_set_aside(session: Session) -> None:
    session.execute(delete(SetAsideChange))


def count_set_aside(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SetAsideChange)) or 0


def set_aside_changes(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """The oldest changes set aside, with their reason (for `status` and support)."""
    rows = session.scalars(select(SetAsideChange).order_by(SetAsideChange.version).limit(limit))
    return [{"version": r.version, "kind": r.kind, "entity_uuid": r.entity_uuid,
             "reason": r.reason, "attempts": r.attempts,
             "set_aside_at": r.set_aside_at.isoformat()} for r in rows]
