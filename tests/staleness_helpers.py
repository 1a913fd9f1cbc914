"""Drive a window's staleness by its stored last-contact time (never by sleeping or by patching
the clock): the setting desktop/records/staleness.py reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from desktop.context import AppContext
from desktop.records.staleness import CONTACT_SETTING, setting_instant, write_setting
from localdb.models import AuditEntry
from wire.times import utc_now


def set_last_contact(ctx: AppContext, days_ago: float, *, at: datetime | None = None) -> datetime:
    """The last contact `days_ago` days before now (or at `at`), as if no audit entry had been
    written since; returns it."""
    when = (at or utc_now() - timedelta(days=days_ago)).replace(microsecond=0)
    with ctx.write() as session:
        seq = session.scalar(select(func.max(AuditEntry.id))) or 0
        write_setting(session, CONTACT_SETTING, {"at": setting_instant(when), "audit_seq": seq})
    return when
