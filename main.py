"""Composition root: parse arguments, open the store, then start the window or run a command.

Each command imports what it uses when it runs: the window's start (login first) and
`status --json` do not pay for capture, bundles, documents or sync (issue 15; the guard is
tests/test_start_imports.py)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.errors import VentanillaError
from desktop.heap import collector_paused
from desktop.paths import ensure_data_dir, resolve_data_dir

if TYPE_CHECKING:
    from desktop.access.auth import PlatformCheck
    from desktop.context import AppContext

log = logging.getLogger("ventanilla")
Handler = Callable[["AppContext", argparse.Namespace], int]


MAX_LIMIT = 1_000_000  # past it, --all; a number SQLite cannot hold was "Error inesperado"


def positive_int(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(
            f"debe ser un número entero de 1 a {MAX_LIMIT:,} (o use --all): {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ventanilla", description="Ventanilla municipal")
    parser.add_argument("--data-dir", help="carpeta de datos (o VENTANILLA_DATA_DIR)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("init", help="crea el almacén local (oficina de demostración) o lo abre")
    p = sub.add_parser("import-config", help="importa un paquete de configuración firmado")
    p.add_argument("file")
    p.add_argument("--user", default="admin")
    p = sub.add_parser("config-diff", help="muestra el impacto de un paquete de configuración "
                                           "frente al vigente, sin aplicarlo")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("capture", help="captura un expediente desde un archivo JSON")
    p.add_argument("--tramite", required=True)
    p.add_argument("--answers", required=True)
    p.add_argument("--user", required=True)
    p = sub.add_parser("import-archivo", help="captura de archivo: importa expedientes en papel "
                       "desde un CSV o JSON Lines, una línea por expediente")
    p.add_argument("file", help="archivo .csv o .jsonl")
    p.add_argument("--tramite", required=True)
    p.add_argument("--revisar", action="store_true",
                   help="solo revisa cada línea e informa los errores; no escribe nada")
    p.add_argument("--user", default="supervisor")
    p = sub.add_parser("list", help="lista expedientes, los más recientes primero")
    p.add_argument("--search", default="",
                   help="nombre, CURP, RFC, folio o referencia de pago (línea de captura)")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--limit", type=positive_int, default=50, help="cuántos (50)")
    shown.add_argument("--all", action="store_true", help="todos")
    p.add_argument("--json", action="store_true", help="salida JSON")
    p = sub.add_parser("tramites", help="lista el catálogo, o los campos y requisitos de uno")
    p.add_argument("homoclave", nargs="?")
    p.add_argument("--plantilla", action="store_true",
                   help="imprime un archivo de respuestas para llenar (capture --answers)")
    sub.add_parser("show", help="muestra un expediente").add_argument("folio")
    sub.add_parser("verify-audit", help="verifica la cadena de la bitácora")
    sub.add_parser("status", help="estado del equipo").add_argument("--json", action="store_true")
    sub.add_parser("verify-receipt", help="verifica el QR de un comprobante").add_argument("url")
    p = sub.add_parser("print", help="imprime o exporta un documento")
    p.add_argument("folio")
    p.add_argument("--doc", choices=["acuse", "recibo"], default="acuse")
    p.add_argument("--layout", choices=["carta", "ticket"], default="carta")
    p.add_argument("--printer")
    p.add_argument("--pdf")
    p.add_argument("--user", default="operador")
    p = sub.add_parser("printer", help="muestra o fija la impresora predeterminada")
    p.add_argument("name", nargs="?", help="cola de CUPS o ipp://equipo:puerto/ruta")
    p.add_argument("--clear", action="store_true", help="quita la impresora predeterminada")
    p.add_argument("--user", default="admin")
    p = sub.add_parser("enroll", help="enrola el equipo con la plataforma central")
    p.add_argument("url")
    p.add_argument("code")
    p.add_argument("--user", default="admin")
    p = sub.add_parser("password", help="cambia la contraseña de un usuario de la plataforma "
                       "(con conexión)")
    p.add_argument("--user", required=True)
    p = sub.add_parser("diagnostico", help="exporta un ZIP de diagnóstico sin datos personales "
                       "(administradores)")
    p.add_argument("archivo", help="ruta del ZIP a crear, p. ej. diagnostico.zip")
    p.add_argument("--user", default="admin")
    p = sub.add_parser("sync", help="sincroniza con la plataforma central")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", default=True)
    mode.add_argument("--watch", action="store_true")
    return parser


def platform_login(ctx: AppContext) -> PlatformCheck | None:
    """Logins ask the enrolled platform about users this machine does not know yet."""
    from sync.platform_login import platform_check

    return platform_check(ctx)


def set_up_demo_if_empty(ctx: AppContext) -> None:
    """The demo office on an empty store, announced: it brings users with published passwords."""
    if _is_set_up(ctx):
        return  # the usual start: the demo set-up (bundles, signatures) is not even imported
    from desktop.demo_setup import DEMO_CREATED, bootstrap_if_empty

    if bootstrap_if_empty(ctx):
        print(DEMO_CREATED)


def no_store_message(args: argparse.Namespace, data_dir: Path) -> str:
    where = f" --data-dir {shlex.quote(args.data_dir)}" if args.data_dir else ""
    return (f"Todavía no hay un almacén de Ventanilla en {data_dir}. Créelo con "
            f"`python main.py{where} init` (oficina de demostración) y vuelva a intentarlo.")


def from_cli(name: str) -> Handler:
    """The handler `name` of desktop/cli.py, imported when the command runs."""
    def run(ctx: AppContext, args: argparse.Namespace) -> int:
        from desktop import cli

        handler: Handler = getattr(cli, name)
        return handler(ctx, args)
    return run


def cmd_init(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop import cli

    set_up_demo_if_empty(ctx)
    return cli.cmd_init(ctx, args)


def cmd_tramites(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.cli_tramites import cmd_tramites as run

    return run(ctx, args)


def cmd_import_archivo(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.cli_archivo import cmd_import_archivo as run

    return run(ctx, args)


def cmd_config_diff(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.cli_config import cmd_config_diff as run

    return run(ctx, args)


def cmd_status(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.status import local_status
    from sync.status import sync_status

    status = local_status(ctx)
    with ctx.read() as session:
        status["sync"] = sync_status(session)
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2, default=str))
    else:
        if status["credentials_warning"]:
            print(f"⚠ {status['credentials_warning']}")
        for key, value in status.items():
            print(f"{key}: {value}")
    return 0


def cmd_verify_receipt(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.documents.receipts import verify_receipt_command

    code, message = verify_receipt_command(ctx, args.url)
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def cmd_print(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop import cli
    from desktop.documents.service import print_command

    user = cli.authenticate(ctx, args.user)
    code, message = print_command(ctx, user, args.folio, args.doc, args.layout, args.printer,
                                  Path(args.pdf) if args.pdf else None)
    print(message, file=sys.stdout if code == 0 else sys.stderr)
    return code


def cmd_printer(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop import cli
    from desktop.documents.printer_choice import printer_command

    changing = bool(args.name) or args.clear
    user = cli.authenticate(ctx, args.user) if changing else None
    code, message = printer_command(ctx, user, args.name, args.clear)
    print(message)
    return code


def cmd_enroll(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop import cli
    from localdb.models import SyncState
    from sync.commands import enroll_command
    from sync.enroll import AlreadyEnrolled

    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        enrolled_with = None if state.demo else state.server_url
    if enrolled_with:  # said before asking a password: enrolling retired the demo users
        raise AlreadyEnrolled(enrolled_with)
    return enroll_command(ctx, args.url, args.code, cli.authenticate(ctx, args.user))


def cmd_sync(ctx: AppContext, args: argparse.Namespace) -> int:
    from sync.commands import sync_once_command, sync_watch_command

    return sync_watch_command(ctx) if args.watch else sync_once_command(ctx)


def cmd_diagnostico(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop import cli
    from desktop.support.diagnostics import export_diagnostics

    path = export_diagnostics(ctx, cli.authenticate(ctx, args.user), Path(args.archivo))
    print(f"Diagnóstico guardado en {path} (sin datos personales).")
    return 0


def cmd_password(ctx: AppContext, args: argparse.Namespace) -> int:
    from sync.password_command import password_command

    return password_command(ctx, args.user)


NO_SCREEN = (
    "No hay una pantalla gráfica en esta sesión (DISPLAY y WAYLAND_DISPLAY vacíos), así que la "
    "ventana no puede abrirse.\nEn un servidor sin pantalla: `xvfb-run -a make run`, o "
    "`QT_QPA_PLATFORM=vnc make run` y conéctese con un visor VNC al puerto 5900.\n"
    "Los comandos de texto funcionan sin pantalla: `python main.py --help`."
)


def has_screen() -> bool:
    """False on a Linux session with no X11/Wayland display and no Qt platform chosen by hand."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(ctx: AppContext, args: argparse.Namespace) -> int:
    if not has_screen():
        print(NO_SCREEN, file=sys.stderr)
        return 2
    set_up_demo_if_empty(ctx)
    from ui.app import run_gui

    return run_gui(ctx)


# The commands that may start from an empty data folder: they create the demo office in it.
SETS_UP_DEMO = {"init", None}
HANDLERS: dict[str | None, Handler] = {
    "init": cmd_init, "import-config": from_cli("cmd_import_config"),
    "capture": from_cli("cmd_capture"), "list": from_cli("cmd_list"), "show": from_cli("cmd_show"),
    "verify-audit": from_cli("cmd_verify_audit"),
    "status": cmd_status, "verify-receipt": cmd_verify_receipt, "print": cmd_print,
    "printer": cmd_printer, "enroll": cmd_enroll, "sync": cmd_sync, "password": cmd_password,
    "tramites": cmd_tramites, "diagnostico": cmd_diagnostico, "config-diff": cmd_config_diff,
    "import-archivo": cmd_import_archivo, None: cmd_gui,
}


def data_dir_problem(data_dir: Path, exc: OSError) -> str:
    """Why the data folder cannot be used, in Spanish (nothing is logged yet: no folder)."""
    from desktop.errors import os_error_message

    if data_dir.exists() and not data_dir.is_dir():
        return (f"«{data_dir}» no es una carpeta: indique con --data-dir (o VENTANILLA_DATA_DIR) "
                "una carpeta para los datos de Ventanilla.")
    return os_error_message(exc, f"la carpeta de datos «{data_dir}»", writing=True)


def setup_logging(data_dir: Path) -> logging.Handler:
    """The technical log of this data folder, attached to the root logger; close it when done."""
    (data_dir / "logs").mkdir(exist_ok=True)
    handler = RotatingFileHandler(data_dir / "logs" / "ventanilla.log", maxBytes=2_000_000,
                                  backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    return handler


def close_logging(handler: logging.Handler) -> None:
    logging.getLogger().removeHandler(handler)
    handler.close()


def _is_set_up(ctx: AppContext) -> bool:
    from desktop.office import office_is_set_up

    with ctx.read() as session:
        return office_is_set_up(session)


def warn_if_audit_altered(ctx: AppContext) -> None:
    """The start-up check: the audit chain's tail against its anchors; a warning in the log."""
    from desktop.records.audit_verify import tail_warning

    with ctx.read() as session:
        warning = tail_warning(session)
    if warning is not None:
        log.warning("audit chain check at start-up failed; run verify-audit (%s)", warning)


def quiet_stdout() -> None:
    """The reader of our output closed the pipe (`status --json | head -1`): nothing more is
    said, and the interpreter's last flush must not complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        ensure_data_dir(data_dir)
        handler = setup_logging(data_dir)
    except OSError as exc:  # a file in the folder's place, no permission, a full disk
        print(data_dir_problem(data_dir, exc), file=sys.stderr)
        return 2
    try:
        return _run(args, data_dir)
    finally:
        close_logging(handler)


def _run(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        with collector_paused():  # start-up: the store's modules, its open (desktop/heap.py)
            from desktop.context import open_context

            ctx = open_context(data_dir)
        ctx.platform_login = platform_login
    except VentanillaError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    try:
        if args.command not in SETS_UP_DEMO and not _is_set_up(ctx):
            print(no_store_message(args, data_dir), file=sys.stderr)
            return 2
        if args.command != "status":  # status checks the tail itself, logs and reports it
            warn_if_audit_altered(ctx)
        code = HANDLERS[args.command](ctx, args)
        sys.stdout.flush()  # a reader that went away (`| head`) shows up here, not at exit
        return code
    except BrokenPipeError:
        quiet_stdout()
        return 1
    except VentanillaError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except Exception:
        log.exception("command %s failed", args.command)
        print("Error inesperado; el detalle quedó en la bitácora técnica (logs/ventanilla.log). "
              "Los datos guardados no se perdieron.", file=sys.stderr)
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
