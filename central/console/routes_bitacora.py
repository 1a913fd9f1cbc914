"""Bitácora: every console action, filterable by user, action and dates, newest first."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from central.console import audit
from central.console.auth import OVERSIGHT, allow
from central.console.paging import last_page
from central.console.render import page
from central.console.sessions import ConsoleUser
from central.machine_auth import database

router = APIRouter()


@router.get("/bitacora")
def bitacora(request: Request, user: Annotated[ConsoleUser, Depends(allow(*OVERSIGHT))],
             usuario: str = "", accion: str = "", desde: str = "", hasta: str = "",
             pagina: int = 1) -> Response:
    start, end = _day(desde), _day(hasta)
    # Nothing is recorded on or after the last representable day: no upper bound then.
    criteria = audit.AuditFilter(usuario.strip(), accion, start,
                                 end + timedelta(days=1) if end and end.date() < date.max
                                 else None)
    rows, total, pagina = audit.search(database(request), criteria, pagina)
    pages = last_page(total, audit.PAGE_SIZE)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "pagina"])
    return page(request, user, "bitacora.html", "Bitácora", rows=rows, total=total,
                pagina=pagina, pages=pages, usuario=usuario, accion=accion,
                desde=desde, hasta=hasta, actions=audit.ACTION_LABELS, query_string=query)


def _day(text: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(text), time()) if text else None
    except ValueError:
        return None
