"""`python -m central serve`: uvicorn over one database, optionally with several workers."""

from __future__ import annotations

import os
import sys

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


def _upgrade_schema(db_url: str) -> None:
    db = Database(db_url)
    try:
        schema = migrate.upgrade(db)
    finally:
        db.dispose()
    print(schema.describe(), file=sys.stderr)


def serve(db_url: str, host: str, port: int, workers: int) -> int:
    if not is_initialised(db_url):
        print("error: la base de datos no está inicializada: ejecute `python -m central init`.",
              file=sys.stderr)
        return 1
    _upgrade_schema(db_url)  # once, before any worker starts
    if workers <= 1:
        uvicorn.run(create_app(db_url), host=host, port=port, log_level="info")
        return 0
    # Each worker process builds its own app (and engine) from the environment.
    os.environ[DB_URL_ENV] = db_url
    uvicorn.run("central.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")
    return 0
