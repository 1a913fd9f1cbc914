"""Helpers for the console tests: a browser-like HTTP client (cookies, CSRF from the page) and a
platform seeded with offices, a catálogo, users of every role and expedientes of two
dependencias."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests

from central import admin, users
from central.db import Database
from tests.central.central_client import CounterMachine, enroll, mutation
from tests.central_harness import CentralServer
from tests.sync.central_server import publish_bundle
from wire.canonical import payload_sha256

PASSWORD = "clave-segura-1"
# username → (role, office, dependencia)
PEOPLE = {
    "admin1": ("admin", None, None),
    "audi": ("auditor", None, None),
    "tesoreria": ("dependencia", None, "TM"),
    "agua": ("dependencia", None, "AGUAH"),
    "oper": ("operador", "HMO", None),
}
TM_TRAMITE, AGUA_TRAMITE = "HMO-TM-001", "HMO-AGUAH-001"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


class ConsoleClient:
    """What a browser does: keeps cookies, sends each form with the CSRF token of its page."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.base + path, allow_redirects=False, timeout=20, **kwargs)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True,
             **kwargs: Any) -> requests.Response:
        form = {**(data or {}), **({"csrf": self.csrf} if csrf else {})}
        return self.http.post(self.base + path, data=form, allow_redirects=False, timeout=20,
                              **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        self.get("/consola/entrar")
        response = self.post("/consola/entrar", {"usuario": username, "contrasena": password})
        if response.status_code == 303:
            self.get("/consola/contrasena")  # a page of the session: its CSRF token
        return response


@dataclass
class Seeded:
    server: CentralServer
    machine: CounterMachine
    tm_folio: str
    agua_folio: str

    @property
    def db(self) -> Database:
        return self.server.db


def seed(server: CentralServer) -> Seeded:
    """Offices HMO (with window V01) and SUR, the demo catálogo, one user per role, and two
    expedientes at HMO: one of Tesorería (TM), one of Agua de Hermosillo (AGUAH)."""
    machine = enroll(server, "HMO", "V01")
    admin.create_office(server.db, "SUR", "Oficina Sur", "Hermosillo")
    publish_bundle(server.db, 2)  # after the harness's test catálogo (version 1)
    for username, (role, office, dependencia) in PEOPLE.items():
        users.create_user(server.db, users.NewUser(username, role, f"Persona {username}",
                                                   PASSWORD, office, dependencia))
    tm = expediente(machine, 1, TM_TRAMITE, "Rosa Elena Ávila Durazo", "AIDR750312MSRVRS09")
    agua = expediente(machine, 2, AGUA_TRAMITE, "Jesús Manuel Quiroz Leyva", "QULJ820907HSRRYS01")
    return Seeded(server, machine, tm, agua)


def expediente(machine: CounterMachine, mutation_id: int, homoclave: str, nombre: str,
               curp: str) -> str:
    """Push one expediente of `homoclave`; returns its folio."""
    payload = machine.payload()
    payload.update(tramite_homoclave=homoclave, nombre=nombre, curp=curp)
    del payload["content_sha256"]
    payload["content_sha256"] = payload_sha256(payload)
    body = machine.push([mutation(mutation_id, payload)]).json()
    assert body["results"][0]["status"] == "applied", body
    return str(payload["folio"])
