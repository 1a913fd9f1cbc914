"""Jinja2 pages of the console: one base layout, a menu by role, Spanish labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from central.console.sessions import ConsoleUser
from central.expediente_status import STATUS_LABELS
from central.office_clock import local_text
from central.users import ROLE_LABELS

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS,
                             hora=local_text)

# Every page: no script at all and only our stylesheet (the console has none: an injected one
# would not run), never framed (clickjacking), its type never sniffed, and never kept by the
# browser or a proxy (personal data; the back button after logging out shows nothing).
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
}

# (path, label, roles that see it in the menu)
MENU = (
    ("/consola/expedientes", "Expedientes", ("admin", "auditor", "dependencia")),
    ("/consola/oficinas", "Oficinas y equipos", ("admin", "auditor")),
    ("/consola/usuarios", "Usuarios", ("admin", "auditor")),
    ("/consola/configuracion", "Configuración", ("admin", "auditor")),
    ("/consola/bitacora", "Bitácora", ("admin", "auditor")),
)


def page(request: Request, user: ConsoleUser | None, template: str, title: str,
         status_code: int = 200, **context: Any) -> HTMLResponse:
    menu = [(path, label) for path, label, roles in MENU if user and user.role in roles]
    return templates.TemplateResponse(
        request, template,
        {"user": user, "csrf": user.csrf if user else "", "title": title, "menu": menu,
         "current": request.url.path, **context},
        status_code=status_code, headers=PAGE_HEADERS,
    )


def message_page(request: Request, user: ConsoleUser | None, title: str, message: str,
                 status_code: int) -> HTMLResponse:
    return page(request, user, "message.html", title, status_code, message=message)
