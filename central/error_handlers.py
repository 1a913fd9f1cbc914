"""How failures look on the wire: {"detail": str} always; 503 + Retry-After for transient DB faults.

A locked SQLite database, a PostgreSQL deadlock, serialization failure, lock timeout or lost
connection is transient: the client retries after `Retry-After`. An IntegrityError can only come
from a race between two writers (the handlers check uniqueness first), so it is transient too:
the retry sees the winner's row and answers duplicate or rejected.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from central.mutations import ConcurrentInsert
from wire.validation import spanish_errors

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"
BUSY = "La plataforma está ocupada; se reintentará en unos segundos."
INTERNAL = "Error interno de la plataforma."
# The framework's own English phrases (an unknown path or method, a body it could not read),
# by status, in Spanish; the status of an unreadable body becomes the validation errors' 422.
_FRAMEWORK_PHRASES = {
    404: (404, "No existe lo que se pidió en la plataforma."),
    405: (405, "La plataforma no acepta ese método en esta dirección."),
    413: (413, "El envío es demasiado grande."),
}
_UNREADABLE_BODY = "There was an error parsing the body"
UNREADABLE_FORM = ("No se pudo leer el formulario: está mal formado, trae demasiados campos o "
                   "un campo demasiado grande.")
UNREADABLE = "No se pudo leer el cuerpo de la solicitud (mal formado o anidado en exceso)."


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(ConcurrentInsert, _busy)
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal_error)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Our own refusals as they are; the framework's English phrases in Spanish."""
    if exc.detail == _UNREADABLE_BODY:
        return JSONResponse({"detail": UNREADABLE}, status_code=422)
    if isinstance(exc.__context__, MultiPartException):  # starlette's form parser, in English
        return JSONResponse({"detail": UNREADABLE_FORM}, status_code=422)
    if exc.status_code in _FRAMEWORK_PHRASES and exc.detail == HTTPStatus(exc.status_code).phrase:
        status, detail = _FRAMEWORK_PHRASES[exc.status_code]
        return JSONResponse({"detail": detail}, status_code=status, headers=exc.headers)
    return await http_exception_handler(request, exc)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """A fault nothing else handled: logged with its traceback here, never sent."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": INTERNAL}, status_code=500)


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
        return JSONResponse({"detail": INTERNAL}, status_code=500)
    log.warning("transient database fault on %s %s: %s", request.method, request.url.path,
                type(exc.orig).__name__)
    return _busy(request, exc)


def _busy(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": BUSY}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
    )
