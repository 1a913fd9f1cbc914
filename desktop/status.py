"""What `main.py status` says about this machine's store (Qt-free): the office, the counts by
status (from the store's counters: desktop/records/counts.py), pending mutations, a restored copy,
the audit chain's tail. Kept apart from desktop/cli.py so the command imports only this."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from desktop.context import AppContext
from desktop.records.audit_verify import tail_warning
from desktop.records.counts import count_by_status
from desktop.records.refoliados import refolio_summary
from desktop.records.restored_copy import restore_summary
from desktop.records.staleness import stale_status, status_line
from localdb.models import OutboxEntry, SyncState
from localdb.states import OutboxState

log = logging.getLogger("ventanilla")


def local_status(ctx: AppContext) -> dict[str, Any]:
    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        by_status = count_by_status(session)  # the store's counters, not a scan
        altered = tail_warning(session)  # the start-up check, done once (main.py skips its own)
        if altered is not None:
            log.warning("audit chain check at start-up failed; run verify-audit (%s)", altered)
        pending = session.scalar(select(func.count()).select_from(OutboxEntry)
                                 .where(OutboxEntry.state == OutboxState.PENDING)) or 0
        return {
            "data_dir": str(ctx.data_dir), "demo": state.demo, "machine_id": state.machine_id,
            "oficina": state.oficina, "ventanilla": state.ventanilla,
            "config_version": state.config_version,
            "expedientes": sum(by_status.values()), "expedientes_by_status": by_status,
            "pending_mutations": pending, "copia_restaurada": restore_summary(session),
            "folios_nuevos": refolio_summary(session),
            "sin_conexion": status_line(stale_status(session)),
            "bitacora": altered or "íntegra (últimos registros y anclas)",
            "credentials_warning": ctx.credentials_warning,
        }
