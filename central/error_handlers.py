"""How failures look on the wire: {"detail": str} always; 503 + Retry-After for transient DB faults.

A locked SQLite database, a PostgreSQL deadlock, serialization failure, lock timeout or lost
connection is transient: the client retries after `Retry-After`. An IntegrityError can only come
from a race between two writers (the handlers check uniqueness first), so it is transient too:
the retry sees the winner's row and answers duplicate or rejected.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from central.mutations import ConcurrentInsert
from wire.validation import spanish_errors

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"
BUSY = "La plataforma está ocupada; se reintentará en unos segundos."


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(ConcurrentInsert, _busy)


def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "inválido"}
    field, reason = next(iter(spanish_errors([first]).items()))
    detail = f"Solicitud inválida en {field}: {reason}"
    if first.get("type") == "json_invalid":
        detail = "El cuerpo no es JSON válido."
    return JSONResponse({"detail": detail}, status_code=422)


def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    transient = (
        isinstance(exc, OperationalError | IntegrityError | InterfaceError)
        or exc.connection_invalidated
    )
    if isinstance(exc, DataError):  # a value the database cannot hold (NUL, too long…)
        return JSONResponse({"detail": "La solicitud contiene datos no válidos."}, 422)
    if not transient:
        log.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "Error interno de la plataforma."}, status_code=500)
    log.warning("transient database fault on %s %s: %s", request.method, request.url.path,
                type(exc.orig).__name__)
    return _busy(request, exc)


def _busy(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": BUSY}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
    )
