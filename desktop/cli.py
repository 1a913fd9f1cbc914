"""Command-line use cases (Qt-free): each handler returns an exit code; 0 ok, 2 bad input,
1 anything else (main.py turns a VentanillaError into 2).

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

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser
from desktop.bundles.apply import import_bundle_file
from desktop.bundles.catalog import get_tramite
from desktop.capture.answers_file import read_capture_file, requisito_answers
from desktop.capture.service import AttachmentInput, CaptureRequest, capture_expediente
from desktop.clock import office_zone
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import (
    ExpedienteRow,
    count_expedientes,
    get_expediente,
    page_expedientes,
)
from desktop.records.integrity import altered_folios
from desktop.records.referencia import looks_like_referencia, parse_referencia
from formatting import format_datetime, format_money
from localdb.models import SyncState
from wire.times import office_time

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


def cmd_capture(ctx: AppContext, args: Namespace) -> int:
    """Scripted or back capture: every requisito of the trámite must be in the file, received or
    not (with a nota), so none is taken as received by leaving it out."""
    data = read_capture_file(Path(args.answers))
    with ctx.read() as session:
        tramite = get_tramite(session, args.tramite, None)
    requisitos = requisito_answers(tramite, data.requisitos, f"En {Path(args.answers).name}")
    user = authenticate(ctx, args.user)
    attachments = [AttachmentInput(Path(a.path), Path(a.path).name, "", a.campo)
                   for a in data.attachments]
    result = capture_expediente(ctx, user, CaptureRequest(
        homoclave=args.tramite, answers=dict(data.answers), requisitos=requisitos,
        attachments=attachments))
    print(f"Expediente capturado: folio {result.folio}, total {format_money(result.total)}")
    return 0


def cmd_list(ctx: AppContext, args: Namespace) -> int:
    if looks_like_referencia(args.search or ""):
        parse_referencia(args.search)  # a mistyped línea de captura is an error, not "0 found"
    limit = None if args.all else args.limit
    with ctx.read() as session:
        total = count_expedientes(session, search=args.search or "")
        rows = page_expedientes(session, search=args.search or "",
                                limit=total if limit is None else limit)
    if args.json:
        print(json.dumps({"total": total, "expedientes": [_row_json(r) for r in rows]},
                         ensure_ascii=False, indent=2))
    else:
        for r in rows:
            print(f"{r.folio}\t{format_datetime(r.captured_at)}\t{r.status}\t{r.sync_state}\t"
                  f"{format_money(r.total)}\t{r.nombre}\t{r.tramite}")
    hidden = total - len(rows)
    if hidden > 0:
        print(f"Se muestran {len(rows)} de {total} expedientes; faltan {hidden}. Use "
              f"--limit N o --all para ver más.", file=sys.stderr)
    return 0


def _row_json(row: ExpedienteRow) -> dict[str, Any]:
    return {"folio": row.folio, "captured_at": row.captured_at.isoformat(),
            "status": row.status, "sync_state": row.sync_state, "total": f"{row.total:.2f}",
            "nombre": row.nombre, "tramite": row.tramite}


def cmd_show(ctx: AppContext, args: Namespace) -> int:
    with ctx.read() as session:
        row = get_expediente(session, args.folio)
        shown = {c: getattr(row, c) for c in (
            "folio", "uuid", "tramite_homoclave", "tramite_version", "nombre", "curp", "rfc",
            "status", "status_note", "official_folio", "sync_state", "created_by",
            "captured_at", "content_sha256", "answers", "requisitos", "cobros",
            "archivo_folio", "archivo_fecha")}
        shown["total"] = f"{row.total_centavos / 100:.2f}"
        shown["captured_at"] = office_time(row.captured_at, office_zone(session)).isoformat()
    print(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_verify_audit(ctx: AppContext, args: Namespace) -> int:
    """The audit chain (links, MACs, anchors) and every expediente captured here; exit 2 when
    anything does not match."""
    with ctx.read() as session:
        report = verify_chain(session)
        expedientes, altered = altered_folios(session)
    if report.ok and not altered:
        print(f"Bitácora íntegra: {report.checked} registros verificados; {expedientes} "
              "expedientes coinciden con su huella.")
        return 0
    if not report.ok:
        print(f"Bitácora ALTERADA: {report.problem}.", file=sys.stderr)
    for folio in altered:
        print(f"Expediente ALTERADO: el folio {folio} no coincide con la huella registrada al "
              "capturarlo.", file=sys.stderr)
    return 2
