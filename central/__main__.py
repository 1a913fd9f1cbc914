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

from central import admin, migrate, users
from central.db import DB_URL_ENV, DEFAULT_DB_URL, Database
from central.models import ENROLL_CODE_TTL_HOURS
from central.premigration import MigrationError
from central.users import UserError
from wire.staleness import Staleness

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


def _password(args: argparse.Namespace) -> str:
    password: str | None = args.password or os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise UserError(f"Indique --password o la variable {PASSWORD_ENV}.")
        password = getpass.getpass("Contraseña: ")
    return password


def _user_create(db: Database, args: argparse.Namespace) -> None:
    row = users.create_user(db, users.NewUser(args.username, args.role, args.name,
                                              _password(args), args.office, args.dependencia))
    print(f"Usuario {row.username} ({row.role}, {_placement(row)}) creado.")


def _user_deactivate(db: Database, args: argparse.Namespace) -> None:
    users.deactivate(db, args.username)
    print(f"Usuario {args.username} desactivado: ya no puede entrar.")


def _user_reactivate(db: Database, args: argparse.Namespace) -> None:
    users.reactivate(db, args.username)
    print(f"Usuario {args.username} reactivado.")


def _user_reset_password(db: Database, args: argparse.Namespace) -> None:
    users.reset_password(db, args.username, _password(args))
    print(f"Contraseña de {args.username} restablecida; deberá cambiarla al entrar a la consola.")


def _user_set_role(db: Database, args: argparse.Namespace) -> None:
    row = users.set_role(db, args.username, args.role, args.dependencia)
    print(f"Usuario {row.username}: rol {row.role} ({_placement(row)}).")


def _user_set_office(db: Database, args: argparse.Namespace) -> None:
    row = users.set_office(db, args.username, args.office)
    print(f"Usuario {row.username}: {_placement(row)}.")


def _user_list(db: Database, _args: argparse.Namespace) -> None:
    print(f"{'USUARIO':<16} {'ROL':<12} {'OFICINA':<10} {'DEPEND.':<10} ESTADO  NOMBRE")
    for u in users.list_users(db):
        state = "inactivo" if not u.active else "bloqueado" if u.locked else "activo"
        print(f"{u.username:<16} {u.role:<12} {u.office or '—':<10} {u.dependencia or '—':<10} "
              f"{state:<7} {u.full_name}")


def _placement(row: users.UserRow) -> str:
    if row.role == "dependencia":
        return f"dependencia {row.dependencia}"
    return f"oficina {row.office}" if row.office else "toda la plataforma"


def _publish_config(db: Database, args: argparse.Namespace) -> None:
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise admin.AdminError(f"No se pudo leer {args.file}: {exc.strerror}") from exc
    preview = admin.preview_publish_config(db, raw)
    print(preview.text())
    if not args.yes:
        _confirm_publish(preview.version)
    print(f"Configuración versión {admin.publish_config(db, raw)} publicada.")


def _confirm_publish(version: int) -> None:
    """Ask on the terminal; without one (a script), --yes is the only way to publish."""
    if not sys.stdin.isatty():
        raise UserError("Sin terminal no se puede confirmar la publicación: revise el impacto y "
                        "use --yes para publicar desde un script. No se publicó nada.")
    answer = input(f"¿Publicar la configuración versión {version}? [s/N] ")
    if answer.strip().lower() not in {"s", "si", "sí"}:
        raise admin.AdminError("Publicación cancelada: no se publicó nada.")


def _set_status(db: Database, args: argparse.Namespace) -> None:
    version = admin.set_status(db, args.folio, args.status, args.note, args.official_folio)
    print(f"{args.folio}: {args.status} (cambio {version}).")


STALE_FLAGS = {Staleness.AL_DIA: "-", Staleness.AVISO: "AVISO", Staleness.BLOQUEO: "BLOQUEO"}


def _machines(db: Database, _args: argparse.Namespace) -> None:
    print(f"{'EQUIPO':<14} {'OFICINA':<10} {'VENT.':<6} {'ÚLT.MUT':>8} {'CONFIG':>6} {'APP':<10} "
          f"{'PEND.':>6}  {'VISTO':<23} SIN CONEXIÓN")
    for m in admin.list_machines(db):
        seen = m.last_seen.strftime("%Y-%m-%d %H:%M:%S UTC") if m.last_seen else "nunca"
        pending = "?" if m.pending is None else str(m.pending)
        config = "?" if m.config_applied is None else str(m.config_applied)
        flag = "REVOCADO" if m.revoked else STALE_FLAGS[m.stale]
        print(f"{m.id:<14} {m.office:<10} {m.ventanilla:<6} {m.last_mutation_id:>8} {config:>6} "
              f"{m.app_version or '?':<10} {pending:>6}  {seen:<23} {flag}")


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
    _add_user_parser(sub.add_parser("add-user", parents=[common],
                                    help="igual que `user create`"))
    _user_parsers(sub.add_parser("user", parents=[common],
                                 help="usuarios de la plataforma").add_subparsers(
        dest="user_command", required=True), common)
    p = sub.add_parser("publish-config", parents=[common],
                       help="muestra el impacto frente a la configuración vigente y la publica")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="publica sin preguntar (scripts)")
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
    p.add_argument("--no-access-log", action="store_true",
                   help="no escribe una línea por solicitud (una plataforma muy concurrida)")
    sub.add_parser("reset-epoch", parents=[common], help="fuerza 410 en los clientes (pruebas)")
    return parser


def _add_user_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("username")
    p.add_argument("--role", required=True, help=", ".join(users.ROLES))
    p.add_argument("--name", required=True)
    p.add_argument("--office", help="oficina (obligatoria para operador y supervisor si hay "
                                    "más de una)")
    p.add_argument("--dependencia", help="clave de la dependencia (rol dependencia)")
    p.add_argument("--password")


def _user_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                  common: argparse.ArgumentParser) -> None:
    _add_user_parser(sub.add_parser("create", parents=[common], help="crea un usuario"))
    for name, text in (("deactivate", "ya no puede entrar"), ("reactivate", "puede volver a "
                       "entrar"), ("reset-password", "contraseña temporal, a cambiar al entrar")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("username")
        if name == "reset-password":
            p.add_argument("--password")
    p = sub.add_parser("set-role", parents=[common], help="cambia el rol")
    p.add_argument("username")
    p.add_argument("role", help=", ".join(users.ROLES))
    p.add_argument("--dependencia", help="clave de la dependencia (rol dependencia)")
    p = sub.add_parser("set-office", parents=[common],
                       help="cambia la oficina (sin oficina: toda la plataforma)")
    p.add_argument("username")
    p.add_argument("office", nargs="?")
    sub.add_parser("list", parents=[common], help="lista los usuarios")


USER_HANDLERS: dict[str, Handler] = {
    "create": _user_create, "deactivate": _user_deactivate, "reactivate": _user_reactivate,
    "reset-password": _user_reset_password, "set-role": _user_set_role,
    "set-office": _user_set_office, "list": _user_list,
}
HANDLERS: dict[str, Handler] = {
    "init": _init, "migrate": _migrate, "create-office": _create_office,
    "enroll-code": _enroll_code, "add-user": _user_create, "publish-config": _publish_config,
    "user": lambda db, args: USER_HANDLERS[args.user_command](db, args),
    "set-status": _set_status, "machines": _machines, "reset-epoch": _reset_epoch,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from central.serve import Listen, serve

        return serve(args.db, Listen(args.host, args.port, args.workers, args.ssl_certfile,
                                     args.ssl_keyfile, args.allow_plain_http,
                                     access_log=not args.no_access_log))
    db = Database(args.db)
    try:
        HANDLERS[args.command](db, args)
    except UserError as exc:  # bad input: the same exit status as argparse's
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
