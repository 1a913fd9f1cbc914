"""The window's report on its sync requests (wire.window_report), kept on its `machines` row.

The pull of every sync run carries it. The row is written only when the report differs from
what is stored, so a window polling with nothing new costs one primary-key read and no write
(last_seen itself is noted in memory and written in batches: central/seen.py).
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.db import Database
from central.models import Machine, utc_now
from wire.validation import spanish_summary
from wire.window_report import WindowReport


def window_report(request: Request) -> WindowReport | None:
    """FastAPI dependency: the report in the request's headers, None when it carries none."""
    try:
        return WindowReport.from_headers(request.headers)
    except ValidationError as exc:
        raise HTTPException(422, f"Informe del equipo inválido: {spanish_summary(exc)}") from exc


def _report_changed(session: Session, machine_id: str, report: WindowReport) -> bool:
    row = session.execute(
        select(Machine.app_version, Machine.config_applied, Machine.pending)
        .where(Machine.id == machine_id)).one()
    return not report_matches((row.app_version, row.config_applied, row.pending), report)


def report_matches(stored: tuple[str | None, int | None, int | None],
                   report: WindowReport) -> bool:
    """Whether the row's (app_version, config_applied, pending) already say what `report` says."""
    return stored == (report.app_version, report.config_version, report.pending)


def note_report(db: Database, machine_id: str, report: WindowReport) -> None:
    """Keep the window's report on its row: one primary-key read, and a write (with last_seen,
    since the row is written anyway) only when the report changed."""
    with db.read() as session:
        if not _report_changed(session, machine_id, report):
            return
    with db.write() as session:
        session.execute(update(Machine).where(Machine.id == machine_id).values(
            app_version=report.app_version, config_applied=report.config_version,
            pending=report.pending, last_seen=utc_now()))
