"""The window's report on its sync requests (wire.window_report), kept on its `machines` row.

The pull of every sync run carries it. The row is written only when the report differs from
what is stored or last_seen is older than SEEN_EVERY, so a window polling with nothing new
costs no write per poll.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import HTTPException, Request
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.db import Database
from central.models import Machine, utc_now
from wire.validation import spanish_summary
from wire.window_report import WindowReport

SEEN_EVERY = timedelta(seconds=60)


def window_report(request: Request) -> WindowReport | None:
    """FastAPI dependency: the report in the request's headers, None when it carries none."""
    try:
        return WindowReport.from_headers(request.headers)
    except ValidationError as exc:
        raise HTTPException(422, f"Informe del equipo inválido: {spanish_summary(exc)}") from exc


def report_due(session: Session, machine_id: str, report: WindowReport | None) -> bool:
    """True when last_seen is due or the report says something the row does not."""
    row = session.execute(
        select(Machine.last_seen, Machine.app_version, Machine.config_applied, Machine.pending)
        .where(Machine.id == machine_id)).one()
    if row.last_seen is None or utc_now() - row.last_seen > SEEN_EVERY:
        return True
    return report is not None and (
        (row.app_version, row.config_applied, row.pending)
        != (report.app_version, report.config_version, report.pending))


def note_seen(db: Database, machine_id: str, report: WindowReport | None) -> None:
    values: dict[str, object] = {"last_seen": utc_now()}
    if report is not None:
        values.update(app_version=report.app_version, config_applied=report.config_version,
                      pending=report.pending)
    with db.write() as session:
        session.execute(update(Machine).where(Machine.id == machine_id).values(**values))
