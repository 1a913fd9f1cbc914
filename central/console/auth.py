"""Who may do what in the console, checked in the server on every route.

A route declares the roles it admits with `Depends(allow(...))`; the dependency finds the
session's user, sends a user with a reset password to change it first, refuses other roles (403)
and, on POST, refuses a form without the session's CSRF token (403). No session: a page (GET)
redirects to the login (303); a form (POST) answers 401.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from central.console.render import message_page
from central.console.sessions import ConsoleUser, user_for_cookie
from central.machine_auth import database

COOKIE = "consola_sesion"
LOGIN_PATH = "/consola/entrar"
PASSWORD_PATH = "/consola/contrasena"

ADMIN = ("admin",)
OVERSIGHT = ("admin", "auditor")  # offices, users, configuration, bitácora: read
EXPEDIENTE_READERS = ("admin", "auditor", "dependencia")
EXPEDIENTE_ACTORS = ("admin", "dependencia")
EVERYONE = ("operador", "supervisor", "admin", "dependencia", "auditor")


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    pass


class CsrfRefused(Exception):
    pass


class MustChangePassword(Exception):
    pass


def allow(*roles: str) -> Callable[[Request], Awaitable[ConsoleUser]]:
    async def dependency(request: Request) -> ConsoleUser:
        user = user_for_cookie(database(request), request.cookies.get(COOKIE, ""))
        if user is None:
            raise NotLoggedIn
        if user.must_change_password and request.url.path not in (PASSWORD_PATH,
                                                                  "/consola/salir"):
            raise MustChangePassword
        if user.role not in roles:
            raise Forbidden
        if request.method == "POST":
            await check_csrf(request, user.csrf)
        return user

    return dependency


async def check_csrf(request: Request, expected: str) -> None:
    sent = (await request.form()).get("csrf")
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise CsrfRefused


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(MustChangePassword, _must_change)


def _not_logged_in(request: Request, _exc: Exception) -> Response:
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{LOGIN_PATH}?siguiente={quote(target)}", status_code=303)
    return message_page(request, None, "Sesión terminada",
                        "Su sesión terminó o no ha entrado: vuelva a entrar.", 401)


def _forbidden(request: Request, _exc: Exception) -> Response:
    return message_page(request, None, "Sin permiso",
                        "Su rol no permite ver esta página ni hacer esta acción.", 403)


def _csrf_refused(request: Request, _exc: Exception) -> Response:
    return message_page(request, None, "Formulario rechazado",
                        "El formulario no trae la clave de su sesión (caducó o no viene de la "
                        "consola): vuelva a cargar la página e inténtelo de nuevo.", 403)


def _must_change(_request: Request, _exc: Exception) -> Response:
    return RedirectResponse(PASSWORD_PATH, status_code=303)
