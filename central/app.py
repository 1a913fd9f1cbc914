"""The central platform's FastAPI application (ARCHITECTURE §7): `create_app(db_url)`.

Everything lives in the database, so several uvicorn workers can serve one PostgreSQL; each
process only caches valid machine tokens for a short while (central.machine_auth) and buffers
`last_seen` for its batched write (central.seen).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from central import (
    attachments,
    config_api,
    console,
    enroll,
    error_handlers,
    heap,
    poll_front,
    pull,
    push,
    sync_state,
    verify_page,
)
from central.console import routes_config
from central.db import BUSY_TIMEOUT_MS, DB_URL_ENV, DEFAULT_DB_URL, Database
from central.gzip_body import GzipRequestBody, TokenCheck
from central.machine_auth import TokenCache
from central.seen import SeenRecorder
from wire.protocol import MAX_BATCH, MAX_BATCH_BYTES


def create_app(db_url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
               max_batch: int = MAX_BATCH) -> FastAPI:
    """The app over `db_url` (the database must have been set up by `python -m central init`).
    `max_batch`: the mutations a push may carry (a smaller one plays an older platform)."""
    db = Database(db_url, busy_timeout_ms=busy_timeout_ms)
    tokens, seen = TokenCache(db), SeenRecorder(db)
    front_db = poll_front.own_database(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        seen.start()
        heap.settle()
        yield
        heap.release()
        seen.stop()
        front_db.dispose()
        db.dispose()

    app = FastAPI(
        title="Ventanilla — plataforma central", version="1", lifespan=lifespan,
        docs_url=None, redoc_url=None, openapi_url=None,
    )
    app.state.db, app.state.tokens, app.state.seen = db, tokens, seen
    app.state.max_batch = min(max_batch, MAX_BATCH)
    for module in (enroll, push, pull, sync_state, config_api, attachments, verify_page):
        app.include_router(module.router)
    console.mount(app)
    error_handlers.install(app)
    app.add_middleware(
        GzipRequestBody, limit_for_path=_inflated_limit, token_check=_token_check(tokens)
    )
    # Outermost: a window's plain poll is answered there (central/poll_front.py).
    app.add_middleware(poll_front.PollFront, db=front_db, seen=seen)
    return app


CONFIG_FORMS = "/consola/configuracion/"  # a catálogo of up to 5 MB, form-encoded
# The only gzip-accepting path that needs no machine token: enrolling is how a machine gets one.
_TOKENLESS_PATHS = frozenset({"/v1/enroll"})


def _token_check(tokens: TokenCache) -> TokenCheck:
    """Checks a request's bearer token before its body is inflated (None: no token needed)."""

    async def check(scope: Scope) -> bool | None:
        if scope["path"] in _TOKENLESS_PATHS or not scope["path"].startswith("/v1/"):
            return None
        token = _bearer(scope)
        if not token:
            return False
        return await run_in_threadpool(tokens.machine, token) is not None

    return check


def _bearer(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


def _inflated_limit(path: str) -> int:
    if path.startswith("/v1/attachments/"):
        return attachments.MAX_ATTACHMENT_BYTES
    if path.startswith(CONFIG_FORMS):
        return routes_config.CONFIG_FORM_BYTES
    return MAX_BATCH_BYTES


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory central.app:app_from_env` (used by `serve --workers N`)."""
    return create_app(os.environ.get(DB_URL_ENV, DEFAULT_DB_URL))
