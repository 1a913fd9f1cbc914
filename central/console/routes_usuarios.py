"""Usuarios: create, deactivate, reactivate, reset a password, change role and office; the same
service (central.users) as `python -m central user …`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from central import users
from central.console import audit
from central.console.auth import ADMIN, OVERSIGHT, allow
from central.console.catalog import load_catalog
from central.console.render import page
from central.console.sessions import ConsoleUser
from central.machine_auth import database
from central.models import Office

router = APIRouter()
Admin = Annotated[ConsoleUser, Depends(allow(*ADMIN))]
OK_MESSAGES = {
    "crear": "Usuario creado.", "desactivar": "Usuario desactivado: ya no puede entrar.",
    "reactivar": "Usuario reactivado.",
    "contrasena": "Contraseña restablecida: deberá cambiarla al entrar a la consola.",
    "rol": "Rol cambiado.", "oficina": "Oficina cambiada.",
}


@router.get("/usuarios")
def usuarios(request: Request, user: Annotated[ConsoleUser, Depends(allow(*OVERSIGHT))],
             ok: str = "") -> Response:
    return _page(request, user, ok=OK_MESSAGES.get(ok))


@router.post("/usuarios")
def create(request: Request, user: Admin, usuario: Annotated[str, Form()] = "",
           nombre: Annotated[str, Form()] = "", rol: Annotated[str, Form()] = "",
           oficina: Annotated[str, Form()] = "", dependencia: Annotated[str, Form()] = "",
           contrasena: Annotated[str, Form()] = "") -> Response:
    new = users.NewUser(usuario.strip().lower(), rol, nombre, contrasena, oficina or None,
                        dependencia or None)
    return _act(request, user, "crear", new.username, lambda: users.create_user(
        database(request), new), f"{rol} {oficina or dependencia or ''}".strip())


@router.post("/usuarios/{username}/desactivar")
def deactivate(request: Request, username: str, user: Admin) -> Response:
    if username == user.username:
        return _page(request, user, error="No puede desactivar su propio usuario.",
                     status_code=422)
    return _act(request, user, "desactivar", username,
                lambda: users.deactivate(database(request), username))


@router.post("/usuarios/{username}/reactivar")
def reactivate(request: Request, username: str, user: Admin) -> Response:
    return _act(request, user, "reactivar", username,
                lambda: users.reactivate(database(request), username))


@router.post("/usuarios/{username}/contrasena")
def reset_password(request: Request, username: str, user: Admin,
                   contrasena: Annotated[str, Form()] = "") -> Response:
    return _act(request, user, "contrasena", username,
                lambda: users.reset_password(database(request), username, contrasena))


@router.post("/usuarios/{username}/rol")
def set_role(request: Request, username: str, user: Admin, rol: Annotated[str, Form()] = "",
             dependencia: Annotated[str, Form()] = "") -> Response:
    return _act(request, user, "rol", username, lambda: users.set_role(
        database(request), username, rol, dependencia or None), rol)


@router.post("/usuarios/{username}/oficina")
def set_office(request: Request, username: str, user: Admin,
               oficina: Annotated[str, Form()] = "") -> Response:
    return _act(request, user, "oficina", username, lambda: users.set_office(
        database(request), username, oficina or None), oficina or "toda la plataforma")


def _act(request: Request, user: ConsoleUser, action: str, target: str,
         change: Callable[[], object], detail: str = "") -> Response:
    try:
        change()
    except users.UserError as exc:
        return _page(request, user, error=str(exc), status_code=422)
    audit.record(database(request), request, user.username, f"usuario.{action}", target, detail)
    return RedirectResponse(f"/consola/usuarios?ok={action}", status_code=303)


def _page(request: Request, user: ConsoleUser, *, ok: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    db = database(request)
    with db.read() as session:
        offices = session.scalars(select(Office).order_by(Office.clave)).all()
        catalog = load_catalog(session, db.url)
    return page(request, user, "usuarios.html", "Usuarios", status_code,
                rows=users.list_users(db), offices=offices, roles=users.ROLES,
                dependencias=catalog.dependencias, ok=ok, error=error)
