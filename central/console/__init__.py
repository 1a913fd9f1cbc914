"""The platform's console: server-rendered pages under /consola/ for admins, dependencia staff
and auditors (issue 11). Every route checks the user's role in the server (central.console.auth);
every form carries the session's CSRF token; every action is written to the bitácora."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from central.console import (
    auth,
    routes_auth,
    routes_bitacora,
    routes_config,
    routes_expedientes,
    routes_oficinas,
    routes_usuarios,
)

PREFIX = "/consola"
STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    for module in (routes_auth, routes_expedientes, routes_oficinas, routes_usuarios,
                   routes_config, routes_bitacora):
        app.include_router(module.router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    auth.install_handlers(app)
