"""The diagnostics ZIP an admin exports for support (menu "Diagnóstico…", `main.py diagnostico
ARCHIVO.zip`): versions, counts, where sync stands, the last errors and the tail of the technical
log — and no personal data. Counts carry no names; every free text (errors, reasons, log lines)
goes through desktop/support/scrub.py first.

The ZIP holds `diagnostico.json` and `registro.txt` (the log tail).
"""

from __future__ import annotations

import json
import platform
import zipfile
from collections import deque
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.errors import StorageError, os_error_message
from desktop.records.audit import append_audit
from desktop.records.staleness import stale_status
from desktop.support.scrub import Scrubber
from localdb.models import (
    Attachment,
    Draft,
    Expediente,
    OutboxEntry,
    SetAsideChange,
    SyncState,
    User,
)
from wire.times import as_utc, utc_now

LOG_LINES = 300
LAST_ERRORS = 20
LOG_FILE = Path("logs") / "ventanilla.log"


def _app_version() -> str:
    try:
        return metadata.version("ventanilla")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _counts(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {str(value): n for value, n in rows}


def _versions(session: Session, state: SyncState) -> dict[str, Any]:
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"app": _app_version(), "esquema": revision, "configuracion": state.config_version,
            "python": platform.python_version(), "plataforma": platform.platform(),
            "sqlite": session.execute(text("SELECT sqlite_version()")).scalar()}


def _sync(state: SyncState, scrub: Scrubber) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value else None  # stored UTC, marked so

    return {"enrolado": not state.demo and bool(state.server_url), "demo": state.demo,
            "equipo": state.machine_id, "oficina": state.oficina, "ventanilla": state.ventanilla,
            "servidor": state.server_url, "ultimo_exito": iso(state.last_success_at),
            "ultimo_error": scrub(state.last_error) if state.last_error else None,
            "ultimo_error_en": iso(state.last_error_at), "cursor": state.pull_cursor,
            "reintentos": state.backoff_attempts, "proximo_intento": iso(state.next_attempt_at)}


def _staleness(session: Session) -> dict[str, Any]:
    status = stale_status(session)
    return {"nivel": status.level.value, "dias": status.days, "exenta": status.exempt,
            "aviso_dias": status.umbrales.aviso_dias,
            "bloqueo_dias": status.umbrales.bloqueo_dias,
            "ultimo_contacto": as_utc(status.last_contact).isoformat()
            if status.last_contact else None,
            "prorroga_hasta": as_utc(status.extension.until).isoformat()
            if status.extension else None}


def _errors(session: Session, scrub: Scrubber) -> dict[str, list[dict[str, Any]]]:
    rejected = session.execute(
        select(OutboxEntry.mutation_id, OutboxEntry.kind, OutboxEntry.state, OutboxEntry.attempts,
               OutboxEntry.last_error).where(OutboxEntry.last_error.is_not(None))
        .order_by(OutboxEntry.mutation_id.desc()).limit(LAST_ERRORS))
    set_aside = session.execute(
        select(SetAsideChange.version, SetAsideChange.kind, SetAsideChange.attempts,
               SetAsideChange.reason).order_by(SetAsideChange.version.desc()).limit(LAST_ERRORS))
    return {
        "envios": [{"mutation_id": m, "tipo": k, "estado": str(s), "intentos": a,
                    "error": scrub(e or "")} for m, k, s, a, e in rejected],
        "cambios_apartados": [{"version": v, "tipo": k, "intentos": a, "motivo": scrub(r)}
                              for v, k, a, r in set_aside],
    }


def collect(session: Session, scrub: Scrubber) -> dict[str, Any]:
    """Everything but the log, ready for JSON; free text already scrubbed."""
    state = session.get_one(SyncState, 1)
    return {
        "generado": as_utc(utc_now()).isoformat(),  # every instant here is UTC (+00:00)
        "versiones": _versions(session, state),
        "sincronizacion": _sync(state, scrub),
        "sin_conexion": _staleness(session),
        "conteos": {
            "expedientes_por_estado": _counts(session, Expediente.status),
            "expedientes_por_envio": _counts(session, Expediente.sync_state),
            "envios_por_estado": _counts(session, OutboxEntry.state),
            "anexos_por_confirmar": session.scalar(select(func.count()).select_from(Attachment)
                                                   .where(Attachment.uploaded.is_(False))),
            "cambios_apartados": session.scalar(
                select(func.count()).select_from(SetAsideChange)),
            "borradores": session.scalar(select(func.count()).select_from(Draft)),
            "usuarios_por_rol": _counts(session, User.role),
        },
        "ultimos_errores": _errors(session, scrub),
    }


def _log_tail(data_dir: Path, scrub: Scrubber) -> str:
    path = data_dir / LOG_FILE
    if not path.exists():
        return "(sin registro técnico)\n"
    with path.open(encoding="utf-8", errors="replace") as log:
        lines = deque(log, maxlen=LOG_LINES)
    return "".join(scrub(line) for line in lines)


def export_diagnostics(ctx: AppContext, user: CurrentUser, target: Path) -> Path:
    """Write the ZIP to `target` (admins only); returns its path."""
    require(user, Permission.EXPORT_DIAGNOSTICS)
    with ctx.read() as session:
        scrub = Scrubber.from_store(session)
        report = collect(session, scrub)
    log_tail = _log_tail(ctx.data_dir, scrub)
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("diagnostico.json",
                             json.dumps(report, ensure_ascii=False, indent=2, default=str))
            archive.writestr("registro.txt", log_tail)
    except OSError as exc:
        raise StorageError(os_error_message(exc, f"el archivo «{target.name}»", writing=True)) \
            from exc
    with ctx.write() as session:
        append_audit(session, user.username, "diagnostico.exportado", "", {"archivo": target.name})
    return target
