"""Oficinas y equipos: offices and their windows; create an office, an enroll code (shown
once), revoke a machine (its token stops working at once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from central import admin
from central.console import audit
from central.console.auth import ADMIN, OVERSIGHT, allow
from central.console.machines_view import offices_with_windows
from central.console.render import page
from central.console.sessions import ConsoleUser
from central.machine_auth import database, token_cache
from central.models import Machine, utc_now

router = APIRouter()
OK_MESSAGES = {"oficina": "Oficina creada.", "revocado": "Equipo revocado: ya no puede "
               "sincronizar ni iniciar sesiones en línea."}


@router.get("/oficinas")
def oficinas(request: Request, user: Annotated[ConsoleUser, Depends(allow(*OVERSIGHT))],
             ok: str = "") -> Response:
    return _page(request, user, ok=OK_MESSAGES.get(ok))


@router.post("/oficinas")
def create_office(request: Request, user: Annotated[ConsoleUser, Depends(allow(*ADMIN))],
                  clave: Annotated[str, Form()] = "", nombre: Annotated[str, Form()] = "",
                  municipio: Annotated[str, Form()] = "") -> Response:
    clave, nombre = clave.strip().upper(), nombre.strip()
    if not clave or not nombre or len(clave) > 32:
        return _page(request, user, error="Indique la clave (hasta 32 caracteres) y el nombre "
                     "de la oficina.", status_code=422)
    try:
        admin.create_office(database(request), clave, nombre, municipio.strip())
    except admin.AdminError as exc:
        return _page(request, user, error=str(exc), status_code=422)
    audit.record(database(request), request, user.username, "oficina.crear", clave, nombre)
    return RedirectResponse("/consola/oficinas?ok=oficina", status_code=303)


@router.post("/oficinas/{clave}/codigo")
def enroll_code(request: Request, clave: str,
                user: Annotated[ConsoleUser, Depends(allow(*ADMIN))],
                ventanilla: Annotated[str, Form()] = "",
                horas: Annotated[str, Form()] = "24") -> Response:
    ventanilla = ventanilla.strip().upper()
    if not ventanilla or len(ventanilla) > 32:
        return _page(request, user, error="Indique la ventanilla (por ejemplo V01).",
                     status_code=422)
    try:
        ttl = float(horas or "24")
    except ValueError:
        ttl = 0  # refused below with the CLI's message
    try:
        code, expires_at = admin.issue_enroll_code(database(request), clave, ventanilla, ttl)
    except admin.AdminError as exc:
        return _page(request, user, error=str(exc), status_code=422)
    audit.record(database(request), request, user.username, "codigo.crear",
                 f"{clave}/{ventanilla}", f"vence {expires_at:%Y-%m-%d %H:%M} UTC")
    return page(request, user, "enroll_code.html", "Código de alta", code=code, office=clave,
                ventanilla=ventanilla, expires_at=expires_at)


@router.post("/equipos/{machine_id}/revocar")
def revoke(request: Request, machine_id: str,
           user: Annotated[ConsoleUser, Depends(allow(*ADMIN))]) -> Response:
    db = database(request)
    with db.write() as session:
        machine = session.get(Machine, machine_id)
        if machine is not None and machine.revoked_at is None:
            machine.revoked_at = utc_now()
            target = f"{machine_id} ({machine.office}/{machine.ventanilla})"
        else:
            target = ""
    if not target:
        return _page(request, user, error="Ese equipo no existe o ya estaba revocado.",
                     status_code=422)
    token_cache(request).forget_machine(machine_id)  # other workers: within the cache's TTL
    audit.record(db, request, user.username, "equipo.revocar", target)
    return RedirectResponse("/consola/oficinas?ok=revocado", status_code=303)


def _page(request: Request, user: ConsoleUser, *, ok: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    db = database(request)
    with db.read() as session:
        offices = offices_with_windows(session)
    return page(request, user, "oficinas.html", "Oficinas y equipos", status_code,
                offices=offices, ok=ok, error=error)
