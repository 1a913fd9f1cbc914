"""CLI `import-archivo FILE --tramite H [--revisar]`: back-capture of a paper archive
(desktop/capture/archivo_import.py). Bad lines go to stderr with their number and reason, a
progress bar too when stderr is a terminal; the summary goes to stdout. Exit 2 when any line was
bad (the good ones are in), 0 otherwise."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import TextIO

from desktop.capture.archivo_import import ImportSummary, Progress, import_archivo
from desktop.cli import authenticate
from desktop.clock import office_today
from desktop.context import AppContext

BAR_WIDTH = 30


def cmd_import_archivo(ctx: AppContext, args: Namespace) -> int:
    path = Path(args.file)
    user = None if args.revisar else authenticate(ctx, args.user)
    summary = import_archivo(ctx, user, path, args.tramite.upper(), today=office_today(ctx),
                             dry_run=args.revisar, progress=progress_bar(sys.stderr))
    for bad in summary.bad:
        print(f"Línea {bad.number}: {bad.reason}", file=sys.stderr)
    print(_summary_line(path, summary, args.revisar))
    return 2 if summary.bad else 0


def _summary_line(path: Path, summary: ImportSummary, dry_run: bool) -> str:
    bad = len(summary.bad)
    if dry_run:
        return (f"Revisión de {path.name}: {summary.lines} líneas; se importarían "
                f"{summary.imported}, ya existían {summary.existing}, con errores {bad}. "
                "No se escribió nada.")
    return (f"Importación de {path.name}: importadas {summary.imported}, ya existían "
            f"{summary.existing}, con errores {bad}.")


def progress_bar(stream: TextIO) -> Progress | None:
    """A one-line bar redrawn in place on a terminal (about 100 redraws); None otherwise."""
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        if done != total and done % max(1, total // 100):
            return
        filled = BAR_WIDTH * done // max(total, 1)
        stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw
