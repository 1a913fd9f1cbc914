"""`python -m central serve`: uvicorn over one database, optionally with several workers."""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass

import uvicorn
from sqlalchemy import inspect

from central import migrate
from central.app import create_app
from central.db import DB_URL_ENV, Database


def is_initialised(db_url: str) -> bool:
    db = Database(db_url)
    try:
        return inspect(db.engine).has_table("platform")
    finally:
        db.dispose()


PLAIN_HTTP_REFUSED = (
    "error: {host} no es una dirección local y no se indicó un certificado: las contraseñas y los "
    "expedientes viajarían sin cifrar por la red. Use --ssl-certfile y --ssl-keyfile, o un proxy "
    "con HTTPS delante y --host 127.0.0.1; solo para una red de pruebas, --allow-plain-http."
)
PLAIN_HTTP_WARNING = (
    "AVISO: se sirve HTTP sin cifrar en {host}: cualquiera en la red puede leer contraseñas y "
    "expedientes. Úselo solo en una red de pruebas."
)


@dataclass(frozen=True)
class Listen:
    host: str
    port: int
    workers: int = 1
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    allow_plain_http: bool = False

    @property
    def tls(self) -> bool:
        return bool(self.ssl_certfile and self.ssl_keyfile)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _upgrade_schema(db_url: str) -> None:
    db = Database(db_url)
    try:
        schema = migrate.upgrade(db)
    finally:
        db.dispose()
    print(schema.describe(), file=sys.stderr)


def serve(db_url: str, listen: Listen) -> int:
    if not is_initialised(db_url):
        print("error: la base de datos no está inicializada: ejecute `python -m central init`.",
              file=sys.stderr)
        return 1
    if not listen.tls and not is_loopback(listen.host):
        if not listen.allow_plain_http:
            print(PLAIN_HTTP_REFUSED.format(host=listen.host), file=sys.stderr)
            return 2
        print(PLAIN_HTTP_WARNING.format(host=listen.host), file=sys.stderr)
    _upgrade_schema(db_url)  # once, before any worker starts
    if listen.workers <= 1:
        uvicorn.run(create_app(db_url), host=listen.host, port=listen.port, log_level="info",
                    ssl_certfile=listen.ssl_certfile, ssl_keyfile=listen.ssl_keyfile)
        return 0
    # Each worker process builds its own app (and engine) from the environment.
    os.environ[DB_URL_ENV] = db_url
    uvicorn.run("central.app:app_from_env", factory=True, workers=listen.workers,
                host=listen.host, port=listen.port, log_level="info",
                ssl_certfile=listen.ssl_certfile, ssl_keyfile=listen.ssl_keyfile)
    return 0
