"""Login, logout and the user's own password; `/consola/` sends each role to its first page."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from central.console import audit
from central.console.auth import COOKIE, EVERYONE, allow, check_csrf
from central.console.render import page
from central.console.sessions import IDLE_EXPIRY, ConsoleUser, close_session, open_session
from central.logins import BAD_LOGIN, check_login
from central.machine_auth import database
from central.users import UserError, change_own_password

router = APIRouter()
LOGIN_CSRF_COOKIE = "consola_entrada"  # double-submit token of the login form (no session yet)
HOME = {"admin": "/consola/expedientes", "auditor": "/consola/expedientes",
        "dependencia": "/consola/expedientes"}


@router.get("/")
def home(user: Annotated[ConsoleUser, Depends(allow(*EVERYONE))]) -> Response:
    return RedirectResponse(HOME.get(user.role, "/consola/contrasena"), status_code=303)


@router.get("/entrar")
def login_form(request: Request, siguiente: str = "") -> Response:
    return _login_page(request, siguiente)


@router.post("/entrar")
async def login(request: Request, usuario: Annotated[str, Form()] = "",
                contrasena: Annotated[str, Form()] = "",
                siguiente: Annotated[str, Form()] = "") -> Response:
    await check_csrf(request, request.cookies.get(LOGIN_CSRF_COOKIE, ""))
    db = database(request)
    username = usuario.strip().lower()
    attempt = check_login(db, username, contrasena, lambda _user: True)
    if attempt is None:
        audit.record(db, request, username[:64] or "—", "sesion.fallida")
        return _login_page(request, siguiente, BAD_LOGIN, status_code=401)
    audit.record(db, request, attempt.username, "sesion.entrar")
    target = siguiente if siguiente.startswith("/consola/") else "/consola/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, open_session(db, attempt.username), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https",
                        path="/consola", max_age=int(IDLE_EXPIRY.total_seconds()) * 16)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/consola")
    return response


@router.post("/salir")
def logout(request: Request,
           user: Annotated[ConsoleUser, Depends(allow(*EVERYONE))]) -> Response:
    close_session(database(request), user.session_id)
    audit.record(database(request), request, user.username, "sesion.salir")
    response = RedirectResponse("/consola/entrar", status_code=303)
    response.delete_cookie(COOKIE, path="/consola")
    return response


@router.get("/contrasena")
def password_form(request: Request,
                  user: Annotated[ConsoleUser, Depends(allow(*EVERYONE))]) -> Response:
    return page(request, user, "password.html", "Cambiar contraseña")


@router.post("/contrasena")
def change_password(request: Request,
                    user: Annotated[ConsoleUser, Depends(allow(*EVERYONE))],
                    actual: Annotated[str, Form()] = "", nueva: Annotated[str, Form()] = "",
                    confirmacion: Annotated[str, Form()] = "") -> Response:
    db = database(request)
    error = None
    if check_login(db, user.username, actual, lambda _user: True) is None:
        error = "La contraseña actual no es correcta."
    elif nueva != confirmacion:
        error = "La nueva contraseña y su confirmación no coinciden."
    else:
        try:
            change_own_password(db, user.username, nueva, keep_session=user.session_id)
        except UserError as exc:
            error = str(exc)
    if error:
        return page(request, user, "password.html", "Cambiar contraseña", 422, error=error)
    audit.record(db, request, user.username, "contrasena.cambiar")
    return RedirectResponse(HOME.get(user.role, "/consola/contrasena?ok=1"), status_code=303)


def _login_page(request: Request, siguiente: str, error: str | None = None,
                status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, None, "login.html", "Entrar a la consola", status_code,
                    login_csrf=token, siguiente=siguiente, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/consola")
    return response
