"""CLI use cases of sync, wired into the app's command line by desktop/cli.py / main.py.

Each returns an exit code: 0 done, 1 failed (message says why), 2 bad input (nothing sent).
Messages for people are Spanish, on stdout (results) or stderr (failures).
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.errors import VentanillaError
from sync.engine import SyncEngine
from sync.enroll import EnrollInputError, enroll
from sync.errors import ServerUrlRefused
from sync.observer import SyncStatus
from sync.scheduler import SyncScheduler
from sync.status import rejected_mutations


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def enroll_command(ctx: AppContext, url: str, code: str, user: CurrentUser) -> int:
    try:
        result = enroll(ctx, user, url, code)
    except (ServerUrlRefused, EnrollInputError) as exc:
        return _fail(exc.message, 2)
    except VentanillaError as exc:
        return _fail(exc.message)
    print(f"Equipo enrolado con {result.server_url}: oficina {result.oficina} "
          f"({result.oficina_nombre}), ventanilla {result.ventanilla}, municipio "
          f"{result.municipio}. Identificador del equipo: {result.machine_id}.")
    if result.discarded_demo_mutations:
        print(f"Se descartaron {result.discarded_demo_mutations} envío(s) pendiente(s) del modo "
              "demostración: los expedientes de demostración no se envían a la plataforma.")
    print("Los usuarios de demostración quedaron desactivados: inicie sesión con los usuarios "
          "que el administrador dio de alta en la plataforma (con red la primera vez).")
    if result.config_version is not None:
        print(f"Configuración de la plataforma versión {result.config_version} aplicada.")
    else:
        reason = (result.config_problem or "").rstrip(".")
        print(f"Aviso: todavía no está la configuración de trámites de la plataforma ({reason}). "
              "Se descargará al sincronizar; mientras tanto no se pueden capturar expedientes.",
              file=sys.stderr)
    if result.credential_warning:
        print(f"Aviso: {result.credential_warning}", file=sys.stderr)
    return 0


def sync_once_command(ctx: AppContext) -> int:
    """One run now, ignoring the backoff schedule."""
    report = SyncEngine(ctx).run_once(force=True)
    _print_rejections(ctx, report.rejected)
    line = f"{report.message} Pendientes de enviar: {report.pending}."
    if report.missing_anexos:
        line += f" Con anexos por confirmar: {report.missing_anexos}."
    if not report.ok:
        return _fail(line)
    print(line)
    return 0


def _print_rejections(ctx: AppContext, count: int) -> None:
    """The platform's reason for each mutation it refused in this run."""
    if not count:
        return
    with ctx.read() as session:
        refused = rejected_mutations(session, limit=count)
    for item in reversed(refused):
        print(f"Rechazado por la plataforma: {item['folio'] or item['entity_uuid']} "
              f"({item['kind']}): {item['reason']}", file=sys.stderr)


class _PrintingObserver:
    def on_sync_state(self, state: SyncStatus) -> None:
        print(f"[{datetime.now():%H:%M:%S}] {state.label}: {state.message} "
              f"(pendientes: {state.pending}, rechazados: {state.rejected})", flush=True)


def sync_watch_command(ctx: AppContext, interval_seconds: float = 60) -> int:
    """Sync on the timer until Ctrl-C, printing each state change."""
    scheduler = SyncScheduler(SyncEngine(ctx, _PrintingObserver()),
                              interval_seconds=interval_seconds,
                              jitter_seconds=interval_seconds * 0.2)
    scheduler.start()
    print("Sincronizando cada minuto; Ctrl-C para terminar.", flush=True)
    stop = threading.Event()
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        print("Deteniendo la sincronización…", flush=True)
    finally:
        scheduler.stop(wait=True)
    return 0
