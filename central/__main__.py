"""Admin CLI of the central platform: `python -m central COMMAND [--db URL] …`.

The database URL comes from --db, else $CENTRAL_DB_URL, else a SQLite file in ./central-data/.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from central import admin, migrate
from central.db import DB_URL_ENV, DEFAULT_DB_URL, Database
from central.models import ENROLL_CODE_TTL_HOURS
from central.premigration import MigrationError

PASSWORD_ENV = "CENTRAL_USER_PASSWORD"
Handler = Callable[[Database, argparse.Namespace], None]


def _init(db: Database, _args: argparse.Namespace) -> None:
    schema = migrate.upgrade(db)
    epoch, created = admin.init_platform(db)
    print(("Plataforma creada" if created else "Plataforma ya inicializada") + f"; época {epoch}")
    print(schema.describe())


def _migrate(db: Database, _args: argparse.Namespace) -> None:
    print(migrate.upgrade(db).describe())


def _create_office(db: Database, args: argparse.Namespace) -> None:
    admin.create_office(db, args.clave, args.nombre, args.municipio)
    print(f"Oficina {args.clave} creada.")


def _enroll_code(db: Database, args: argparse.Namespace) -> None:
    code, expires_at = admin.issue_enroll_code(db, args.office, args.window, args.ttl_hours)
    print(code)  # alone on stdout, for scripts
    print(f"Código de un solo uso para {args.office}/{args.window}; vence el "
          f"{expires_at:%Y-%m-%d %H:%M} UTC.", file=sys.stderr)


def _add_user(db: Database, args: argparse.Namespace) -> None:
    password = args.password or os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise admin.AdminError(f"Indique --password o la variable {PASSWORD_ENV}.")
        password = getpass.getpass("Contraseña: ")
    admin.add_user(db, args.username, args.role, args.name, password)
    print(f"Usuario {args.username} ({args.role}) creado.")


def _publish_config(db: Database, args: argparse.Namespace) -> None:
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise admin.AdminError(f"No se pudo leer {args.file}: {exc.strerror}") from exc
    print(f"Configuración versión {admin.publish_config(db, raw)} publicada.")


def _set_status(db: Database, args: argparse.Namespace) -> None:
    version = admin.set_status(db, args.folio, args.status, args.note, args.official_folio)
    print(f"{args.folio}: {args.status} (cambio {version}).")


def _machines(db: Database, _args: argparse.Namespace) -> None:
    print(f"{'EQUIPO':<14} {'OFICINA':<10} {'VENT.':<6} {'ÚLT.MUT':>8} {'PEND.':>6}  VISTO")
    for m in admin.list_machines(db):
        seen = m.last_seen.strftime("%Y-%m-%d %H:%M:%S UTC") if m.last_seen else "nunca"
        pending = "?" if m.pending is None else str(m.pending)
        print(f"{m.id:<14} {m.office:<10} {m.ventanilla:<6} {m.last_mutation_id:>8} "
              f"{pending:>6}  {seen}")


def _reset_epoch(db: Database, _args: argparse.Namespace) -> None:
    print(f"Nueva época: {admin.reset_epoch(db)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m central")
    parser.add_argument("--db", default=os.environ.get(DB_URL_ENV, DEFAULT_DB_URL),
                        help="URL SQLAlchemy (sqlite:///… o postgresql+psycopg://…)")
    common = argparse.ArgumentParser(add_help=False)  # --db also after the command
    common.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common],
                   help="crea o actualiza las tablas; crea llaves y época la primera vez")
    sub.add_parser("migrate", parents=[common],
                   help="actualiza el esquema de una base existente, conservando sus datos")
    p = sub.add_parser("create-office", parents=[common])
    p.add_argument("clave")
    p.add_argument("nombre")
    p.add_argument("--municipio", default="")
    p = sub.add_parser("enroll-code", parents=[common],
                       help="código de alta de un solo uso, con vigencia")
    p.add_argument("office")
    p.add_argument("window")
    p.add_argument("--ttl-hours", type=float, default=ENROLL_CODE_TTL_HOURS,
                   help=f"vigencia en horas (predeterminado {ENROLL_CODE_TTL_HOURS})")
    p = sub.add_parser("add-user", parents=[common])
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=admin.ROLES)
    p.add_argument("--name", required=True)
    p.add_argument("--password")
    p = sub.add_parser("publish-config", parents=[common])
    p.add_argument("file")
    p = sub.add_parser("set-status", parents=[common])
    p.add_argument("folio")
    p.add_argument("status")
    p.add_argument("--note")
    p.add_argument("--official-folio")
    sub.add_parser("machines", parents=[common])
    p = sub.add_parser("serve", parents=[common])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--ssl-certfile", help="certificado PEM para servir HTTPS")
    p.add_argument("--ssl-keyfile", help="llave PEM del certificado")
    p.add_argument("--allow-plain-http", action="store_true",
                   help="permite HTTP sin cifrar en una dirección que no es local (solo pruebas)")
    sub.add_parser("reset-epoch", parents=[common], help="fuerza 410 en los clientes (pruebas)")
    return parser


HANDLERS: dict[str, Handler] = {
    "init": _init, "migrate": _migrate, "create-office": _create_office,
    "enroll-code": _enroll_code, "add-user": _add_user, "publish-config": _publish_config,
    "set-status": _set_status, "machines": _machines, "reset-epoch": _reset_epoch,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from central.serve import Listen, serve

        return serve(args.db, Listen(args.host, args.port, args.workers, args.ssl_certfile,
                                     args.ssl_keyfile, args.allow_plain_http))
    db = Database(args.db)
    try:
        HANDLERS[args.command](db, args)
    except (admin.AdminError, MigrationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: base de datos {db.engine.url!r}: {exc.__class__.__name__}: "
              f"{getattr(exc, 'orig', exc)} (¿ejecutó init?)", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
