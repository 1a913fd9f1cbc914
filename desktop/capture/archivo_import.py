"""import-archivo: back-capture of a paper archive, one expediente per line (ARCHITECTURE §6).

Each good line is captured like any capture (validation, cobros, a new folio of this window, the
outbox mutation and the audit entry, in ONE transaction) with the paper's folio and date kept on
the expediente. One transaction per line: a run killed halfway keeps what committed, and a rerun
(after a crash, or after fixing the bad lines) skips every paper already in — idempotent by
(trámite, folio original), which a unique index guarantees. `revisar` checks every line the same
way and writes nothing. Each run that imports is one audit entry ("archivo.importado") with the
file's sha256 and the counts. Back-capture takes Permission.IMPORT_ARCHIVO (supervisor, admin).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import TramiteDef
from desktop.capture.answers_file import requisito_answers
from desktop.capture.archivo_file import ArchivoLine, BadLine, read_archivo_file
from desktop.capture.payload import ArchivoOrigen
from desktop.capture.service import (
    AlreadyCaptured,
    CaptureRequest,
    archivo_folio_in_use,
    archivo_folios,
    capture_expediente,
    check_capture,
)
from desktop.context import AppContext
from desktop.errors import ValidationFailed, VentanillaError
from desktop.records.audit import append_audit

IMPORT_ACTION = "archivo.importado"
Progress = Callable[[int, int], None]  # (lines done, lines in the file)


@dataclass
class ImportSummary:
    lines: int = 0
    imported: int = 0
    existing: int = 0
    bad: list[BadLine] = field(default_factory=list)
    folios: list[str] = field(default_factory=list)  # the new folios, in file order


def import_archivo(ctx: AppContext, user: CurrentUser | None, path: Path, homoclave: str, *,
                   today: date, dry_run: bool = False,
                   progress: Progress | None = None) -> ImportSummary:
    """Import (or with `dry_run`, only check) every line of `path`; `user` may be None only for
    a dry run. Bad lines are reported in the summary and skipped, never half-written."""
    if not dry_run:
        if user is None:
            raise ValueError("an import that writes needs a user")
        require(user, Permission.IMPORT_ARCHIVO)
    with ctx.read() as session:
        tramite = get_tramite(session, homoclave, None)
        already = archivo_folios(session, tramite.homoclave)
    lines = list(read_archivo_file(path, today))
    summary = ImportSummary(lines=len(lines))
    seen: dict[str, int] = {}
    for done, line in enumerate(lines, start=1):
        outcome = _one(ctx, user, tramite, line, seen, dry_run, already)
        if isinstance(outcome, BadLine):
            summary.bad.append(outcome)
        elif outcome is None:
            summary.existing += 1
        else:
            summary.imported += 1
            if outcome:  # a dry run has no folio to show
                summary.folios.append(outcome)
        if progress:
            progress(done, len(lines))
    if not dry_run and user is not None:
        _audit_run(ctx, user, path, tramite.homoclave, summary)
    return summary


def _one(ctx: AppContext, user: CurrentUser | None, tramite: TramiteDef,
         line: ArchivoLine | BadLine, seen: dict[str, int], dry_run: bool,
         already: set[str]) -> BadLine | str | None:
    """A new folio, None for a paper already in, or the line's fault. `already`: the papers in
    when the run started (a rerun skips them without a transaction; the capture's own check in
    its write transaction, and the unique index, still hold for anything added meanwhile)."""
    if isinstance(line, BadLine):
        return line
    if (first := seen.setdefault(line.folio, line.number)) != line.number:
        return BadLine(line.number, f"repite el folio original {line.folio} de la línea {first}")
    if line.folio in already:
        return None
    try:
        request = _request(tramite, line)
        if dry_run or user is None:
            return _check(ctx, tramite, request)
        return capture_expediente(ctx, user, request).folio
    except AlreadyCaptured:
        return None
    except IntegrityError:  # another process imported the same paper meanwhile
        return None
    except ValidationFailed as exc:
        return BadLine(line.number, "; ".join(f"{k}: {v}" for k, v in sorted(exc.errors.items())))
    except VentanillaError as exc:
        return BadLine(line.number, exc.message)


def _request(tramite: TramiteDef, line: ArchivoLine) -> CaptureRequest:
    requisitos = requisito_answers(tramite, line.capture.requisitos, "En el registro")
    return CaptureRequest(homoclave=tramite.homoclave, answers=dict(line.capture.answers),
                          requisitos=requisitos, archivo=ArchivoOrigen(line.folio, line.fecha))


def _check(ctx: AppContext, tramite: TramiteDef, request: CaptureRequest) -> str | None:
    with ctx.read() as session:
        if request.archivo and archivo_folio_in_use(session, tramite.homoclave,
                                                    request.archivo.folio):
            return None
    check_capture(ctx, request)
    return ""


def _audit_run(ctx: AppContext, user: CurrentUser, path: Path, homoclave: str,
               summary: ImportSummary) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with ctx.write() as session:
        append_audit(session, user.username, IMPORT_ACTION, homoclave, {
            "archivo": path.name, "sha256": digest, "lineas": summary.lines,
            "importadas": summary.imported, "ya_existian": summary.existing,
            "con_errores": len(summary.bad)})
