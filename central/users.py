"""Platform users: who they are, where they may log in, and every change an admin makes to them.

One service for `python -m central user …` and the console's Usuarios page. The rules:

- window roles (`operador`, `supervisor`, `admin`) open the windows of their office; an
  `operador` or `supervisor` must belong to one office; an `admin` may belong to one or to none
  (platform-wide: any office's window);
- console roles (`dependencia`, `auditor`) never open a window and belong to no office; a
  `dependencia` user names the dependencia (catálogo clave) whose expedientes they work;
- a reset password must be changed at the next login, at the console or at a window
  (`must_change_password`);
- every change (create, deactivate, reactivate, reset, own password, role, office) reaches the
  windows of the user's offices by pull in the same transaction (`central.user_changes`).

Errors are `UserError`, in Spanish, shown as they are by the CLI (exit 2) and the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from central.db import Database
from central.logins import is_locked
from central.models import ConsoleSession, Office, User
from central.security import hash_password
from central.user_changes import WINDOW_ROLES, offices_reached, publish_user_change

CONSOLE_ROLES = ("dependencia", "auditor")
ROLES = WINDOW_ROLES + CONSOLE_ROLES
OFFICE_ROLES = ("operador", "supervisor")  # always belong to one office
ROLE_LABELS = {
    "operador": "Operador de ventanilla", "supervisor": "Supervisor de ventanilla",
    "admin": "Administrador", "dependencia": "Personal de dependencia", "auditor": "Auditor",
}
MIN_PASSWORD_LENGTH = 8
MAX_FULL_NAME = 200  # users.full_name, and wire.payloads.UserChange
MAX_DEPENDENCIA = 32  # users.dependencia
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class UserError(Exception):
    """A refused change to a platform user; the message is Spanish and shown as is."""


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    role: str
    office: str | None
    dependencia: str | None
    active: bool
    locked: bool
    must_change_password: bool


@dataclass(frozen=True)
class NewUser:
    username: str
    role: str
    full_name: str
    password: str
    office: str | None = None
    dependencia: str | None = None


def may_open_window(role: str, user_office: str | None, window_office: str) -> bool:
    """Whether a user may log in at a window of `window_office` (the rule of /v1/auth/login)."""
    return role in WINDOW_ROLES and user_office in (None, window_office)


def create_user(db: Database, new: NewUser) -> UserRow:
    """A new active user. An operador or supervisor created without an office on a platform
    with exactly one office belongs to it (a pilot needs no --office)."""
    if not _USERNAME.match(new.username):
        raise UserError("El usuario debe ser de 1 a 64 letras minúsculas, números, «.», «_» o "
                        "«-», y empezar con letra o número.")
    _check_password(new.password)
    if not new.full_name.strip():
        raise UserError("Indique el nombre completo del usuario.")
    if len(new.full_name.strip()) > MAX_FULL_NAME:  # the column, and what windows accept
        raise UserError(f"El nombre completo pasa de {MAX_FULL_NAME} caracteres.")
    with db.write() as session:
        if session.get(User, new.username) is not None:
            raise UserError(f"El usuario {new.username} ya existe.")
        office = new.office or _default_office(session, new.role)
        _check_placement(session, new.role, office, new.dependencia)
        user = User(username=new.username, full_name=new.full_name.strip(), role=new.role,
                    password_hash=hash_password(new.password), active=True, office=office,
                    dependencia=new.dependencia if new.role == "dependencia" else None,
                    must_change_password=False)
        session.add(user)
        publish_user_change(session, user, set())
        return _row(user)


def deactivate(db: Database, username: str) -> UserRow:
    """The user can log in nowhere any more; their console sessions end at once."""
    with db.write() as session:
        user = _get(session, username)
        user.active = False
        _end_sessions(session, username)
        publish_user_change(session, user, set())
        return _row(user)


def reactivate(db: Database, username: str) -> UserRow:
    with db.write() as session:
        user = _get(session, username)
        user.active, user.failed_logins, user.locked_until = True, 0, None
        publish_user_change(session, user, set())
        return _row(user)


def reset_password(db: Database, username: str, password: str) -> UserRow:
    """A temporary password, to be changed at the next login; unlocks the user. Windows drop the
    hash they cached, so the old password stops working there even offline."""
    _check_password(password)
    with db.write() as session:
        user = _get(session, username)
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.failed_logins, user.locked_until = 0, None
        _end_sessions(session, username)
        publish_user_change(session, user, set(), password_reset=True)
        return _row(user)


def change_own_password(db: Database, username: str, password: str,
                        keep_session: str | None = None) -> None:
    """The user's own new password (the console's «Cambiar contraseña», POST /v1/auth/password).
    Windows drop the hash they cached of the old one; every console session of the user ends
    but `keep_session` (the sha256 of the one that made the change): whoever opened one with
    the old password is out."""
    _check_password(password)
    with db.write() as session:
        user = _get(session, username)
        user.password_hash = hash_password(password)
        user.must_change_password = False
        _end_sessions(session, username, keep_session)
        publish_user_change(session, user, set(), password_reset=True)


def set_role(db: Database, username: str, role: str, dependencia: str | None = None) -> UserRow:
    with db.write() as session:
        user = _get(session, username)
        before = offices_reached(session, user.role, user.office)
        office = user.office if role in WINDOW_ROLES else None
        if role in OFFICE_ROLES and office is None:
            office = _default_office(session, role)
        _check_placement(session, role, office, dependencia)
        user.role, user.office = role, office
        user.dependencia = dependencia if role == "dependencia" else None
        _end_sessions(session, username)  # the new role applies from the next login
        publish_user_change(session, user, before)
        return _row(user)


def set_office(db: Database, username: str, office: str | None) -> UserRow:
    """Move the user to `office` (None: platform-wide, for an admin or a console role)."""
    with db.write() as session:
        user = _get(session, username)
        _check_placement(session, user.role, office or None, user.dependencia)
        before = offices_reached(session, user.role, user.office)
        user.office = office or None
        publish_user_change(session, user, before)
        return _row(user)


def list_users(db: Database) -> list[UserRow]:
    with db.read() as session:
        return [_row(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(db: Database, username: str) -> UserRow:
    with db.read() as session:
        return _row(_get(session, username))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres.")


def _check_placement(session: Session, role: str, office: str | None,
                     dependencia: str | None) -> None:
    """The one rule of which role goes with which office and dependencia."""
    if role not in ROLES:
        raise UserError(f"Rol desconocido {role!r}: use {', '.join(ROLES)}.")
    if office is not None and session.get(Office, office) is None:
        raise UserError(f"No existe la oficina {office}.")
    if role in OFFICE_ROLES and office is None:
        raise UserError(f"Un usuario {role} debe pertenecer a una oficina: indique la oficina.")
    if role in CONSOLE_ROLES and office is not None:
        raise UserError(f"Un usuario {role} no pertenece a una oficina: no abre ventanillas.")
    if role == "dependencia" and not (dependencia or "").strip():
        raise UserError("Indique la dependencia (su clave del catálogo) del usuario.")
    if role == "dependencia" and len(dependencia or "") > MAX_DEPENDENCIA:
        raise UserError(f"La clave de la dependencia pasa de {MAX_DEPENDENCIA} caracteres.")


def _default_office(session: Session, role: str) -> str | None:
    if role not in OFFICE_ROLES or session.scalar(select(func.count()).select_from(Office)) != 1:
        return None
    return session.scalar(select(Office.clave))


def _get(session: Session, username: str) -> User:
    user = session.scalars(
        select(User).where(User.username == username).with_for_update()
    ).one_or_none()
    if user is None:
        raise UserError(f"No existe el usuario {username}.")
    return user


def _end_sessions(session: Session, username: str, keep: str | None = None) -> None:
    ended = delete(ConsoleSession).where(ConsoleSession.username == username)
    if keep is not None:
        ended = ended.where(ConsoleSession.token_sha256 != keep)
    session.execute(ended)


def _row(user: User) -> UserRow:
    return UserRow(user.username, user.full_name, user.role, user.office, user.dependencia,
                   user.active, is_locked(user), bool(user.must_change_password))
