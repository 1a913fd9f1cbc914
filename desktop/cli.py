"""Command-line use cases (Qt-free): each handler returns an exit code; 0 ok, 2 bad input.

Messages for people are Spanish on stdout/stderr; nothing is written when input is refused.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.audit import verify_chain
from desktop.auth import login
from desktop.bundles import import_bundle_file
from desktop.capture import AttachmentInput, CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.catalog import get_tramite
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.expedientes import get_expediente, page_expedientes
from desktop.permissions import CurrentUser
from localdb.models import Expediente, OutboxEntry, SyncState

ENV_PASSWORD = "VENTANILLA_PASSWORD"


def authenticate(ctx: AppContext, username: str) -> CurrentUser:
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise VentanillaError(f"Indique la contraseña en la variable {ENV_PASSWORD}.")
        password = getpass.getpass(f"Contraseña de {username}: ")
    return login(ctx, username, password)


def cmd_init(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        print(f"Almacén listo en {ctx.data_dir} — oficina {state.oficina}, ventanilla "
              f"{state.ventanilla}{' (DEMO)' if state.demo else ''}, configuración "
              f"v{state.config_version}.")
    return 0


def cmd_import_config(ctx: AppContext, args: Namespace) -> int:
    user = authenticate(ctx, args.user)
    bundle = import_bundle_file(ctx, Path(args.file), user)
    print(f"Configuración versión {bundle.version} aplicada: {len(bundle.tramites)} trámites.")
    return 0


def _read_capture_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VentanillaError(f"No se pudo leer el archivo de respuestas {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise VentanillaError("El archivo de respuestas debe ser un objeto JSON.")
    return data if "answers" in data else {"answers": data}


def cmd_capture(ctx: AppContext, args: Namespace) -> int:
    """Back-capture: requisitos not listed in the file are taken as received (paper archive)."""
    data = _read_capture_file(Path(args.answers))
    user = authenticate(ctx, args.user)
    with ctx.read() as session:
        tramite = get_tramite(session, args.tramite, None)
    given = {r["clave"]: r for r in data.get("requisitos", [])}
    requisitos = [RequisitoAnswer(r.clave, bool(given.get(r.clave, {}).get("recibido", True)),
                                  str(given.get(r.clave, {}).get("nota", "")))
                  for r in tramite.requisitos]
    attachments = [AttachmentInput(Path(a["path"]), Path(a["path"]).name, "", a.get("campo"))
                   for a in data.get("attachments", [])]
    result = capture_expediente(ctx, user, CaptureRequest(
        homoclave=args.tramite, answers=data["answers"], requisitos=requisitos,
        attachments=attachments))
    print(f"Expediente capturado: folio {result.folio}, total ${result.total:,.2f}")
    return 0


def cmd_list(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        rows = page_expedientes(session, search=args.search or "", limit=args.limit)
    for r in rows:
        print(f"{r.folio}\t{r.captured_at:%Y-%m-%d %H:%M}\t{r.status}\t{r.sync_state}\t"
              f"${r.total:,.2f}\t{r.nombre}\t{r.tramite}")
    return 0


def cmd_show(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        row = get_expediente(session, args.folio)
        shown = {c: getattr(row, c) for c in (
            "folio", "uuid", "tramite_homoclave", "tramite_version", "nombre", "curp", "rfc",
            "status", "status_note", "official_folio", "sync_state", "created_by",
            "captured_at", "content_sha256", "answers", "requisitos", "cobros")}
        shown["total"] = f"{row.total_centavos / 100:.2f}"
    print(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_verify_audit(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        report = verify_chain(session)
    if report.ok:
        print(f"Bitácora íntegra: {report.checked} registros verificados.")
        return 0
    print(f"Bitácora ALTERADA: el registro {report.first_broken_id} no coincide con la cadena "
          f"({report.checked} registros anteriores íntegros).", file=sys.stderr)
    return 3


def local_status(ctx: AppContext) -> dict[str, Any]:
    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        by_status = dict(session.execute(
            select(Expediente.status, func.count()).group_by(Expediente.status)).tuples().all())
        pending = session.scalar(select(func.count()).select_from(OutboxEntry)
                                 .where(OutboxEntry.state == "pending")) or 0
        return {
            "data_dir": str(ctx.data_dir), "demo": state.demo, "machine_id": state.machine_id,
            "oficina": state.oficina, "ventanilla": state.ventanilla,
            "config_version": state.config_version,
            "expedientes": sum(by_status.values()), "expedientes_by_status": by_status,
            "pending_mutations": pending,
        }
