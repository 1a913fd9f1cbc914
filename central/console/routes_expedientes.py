"""Expedientes: search across offices, one expediente in full, its anexos, and the status
actions of dependencia staff and admins (the same service as `central set-status`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.console import audit
from central.console.auth import EXPEDIENTE_ACTORS, EXPEDIENTE_READERS, allow
from central.console.catalog import Catalog, load_catalog
from central.console.expediente_queries import (
    PAGE_SIZE,
    Criteria,
    amendments_query,
    count_of,
    history_query,
    page_of,
    search_query,
)
from central.console.paging import last_page, page_within
from central.console.render import message_page, page
from central.console.sessions import ConsoleUser
from central.db import Database
from central.expediente_status import (
    STATUS_LABELS,
    TRANSITIONS,
    StatusChange,
    StatusRefused,
    change_status,
)
from central.machine_auth import database
from central.models import STATUSES, Attachment, AuditEvent, Expediente, Office
from central.office_clock import archivo_text, captured_text, platform_zone

router = APIRouter()
Reader = Annotated[ConsoleUser, Depends(allow(*EXPEDIENTE_READERS))]
Actor = Annotated[ConsoleUser, Depends(allow(*EXPEDIENTE_ACTORS))]
# (status, button label, what the form asks for)
ACTIONS = (
    ("en_revision", "Poner en revisión", None),
    ("validado", "Validar", None),
    ("devuelto", "Devolver", "note"),
    ("rechazado", "Rechazar", "note"),
    ("resuelto", "Resolver", "official_folio"),
)


@router.get("/expedientes")
def expedientes(request: Request, user: Reader, q: str = "", dependencia: str = "",
                tramite: str = "", estado: str = "", oficina: str = "", desde: str = "",
                hasta: str = "", pagina: int = 1) -> Response:
    db = database(request)
    criteria = Criteria(q, dependencia, tramite, estado, oficina, _date(desde), _date(hasta))
    with db.read() as session:
        catalog = load_catalog(session, db.url)
        query = search_query(criteria, catalog, user.dependencia if _scoped(user) else None)
        total = session.scalar(count_of(query)) or 0
        pages = last_page(total, PAGE_SIZE)
        pagina = page_within(pagina, total, PAGE_SIZE)
        rows = session.scalars(page_of(query, pagina)).all()
        offices = session.scalars(select(Office).order_by(Office.clave)).all()
        zone = platform_zone(session)
    return page(request, user, "expedientes.html", "Expedientes", rows=rows, total=total,
                criteria=criteria, pagina=pagina, pages=pages,
                catalog=catalog, offices=offices, statuses=STATUSES, scoped=_scoped(user),
                query_string=_without_page(request), zone=zone)


@router.get("/expedientes/{folio}")
def expediente(request: Request, folio: str, user: Reader, ok: str = "") -> Response:
    return _detail(request, user, folio, ok=ok)


@router.get("/expedientes/{folio}/anexos/{sha256}")
def anexo(request: Request, folio: str, sha256: str, user: Reader) -> Response:
    db = database(request)
    with db.read() as session:
        row, _catalog = _visible(session, db, user, folio)
        refs = {a.get("sha256"): a for a in row.payload.get("attachments") or []
                if isinstance(a, dict)} if row else {}
        blob = session.get(Attachment, sha256) if sha256 in refs else None
    if row is None or blob is None:
        return message_page(request, user, "Anexo no encontrado",
                            "El anexo no existe o aún no llega a la plataforma.", 404)
    audit.record(db, request, user.username, "anexo.descargar", folio, sha256)
    return Response(blob.content, media_type="application/octet-stream", headers={
        "Content-Disposition": _disposition(str(refs[sha256].get("filename") or sha256)),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _disposition(filename: str) -> str:
    """The name a window sent, as a header it cannot break (RFC 6266): control characters and
    quotes dropped, an ASCII fallback and the full UTF-8 name percent-encoded in `filename*`
    (a header is Latin-1: "—" or "文件" as they are were a 500)."""
    name = "".join(c for c in filename if c.isprintable() and c not in '"\\') or "anexo"
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.post("/expedientes/{folio}/estado")
def set_status(request: Request, folio: str, user: Actor,
               estado: Annotated[str, Form()] = "", nota: Annotated[str, Form()] = "",
               folio_oficial: Annotated[str, Form()] = "") -> Response:
    db = database(request)
    with db.read() as session:
        row, _catalog = _visible(session, db, user, folio)
    if row is None:
        return _not_found(request, user)
    change = StatusChange(folio, estado, nota.strip() or None, folio_oficial.strip() or None)
    try:
        change_status(db, change)
    except StatusRefused as exc:
        return _detail(request, user, folio, error=str(exc), status_code=422)
    detail = "; ".join(x for x in (nota.strip(), folio_oficial.strip()) if x)
    audit.record(db, request, user.username, "expediente.estado", folio,
                 f"{row.status} → {estado}" + (f": {detail}" if detail else ""))
    return RedirectResponse(f"/consola/expedientes/{folio}?ok={estado}", status_code=303)


def _detail(request: Request, user: ConsoleUser, folio: str, *, ok: str = "",
            error: str | None = None, status_code: int = 200) -> Response:
    db = database(request)
    with db.read() as session:
        row, catalog = _visible(session, db, user, folio)
        if row is None:
            return _not_found(request, user)
        history = session.scalars(history_query(row)).all()
        amendments = session.scalars(amendments_query(row)).all()
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.target == folio, AuditEvent.action == "expediente.estado")
            .order_by(AuditEvent.id)).all()
        present = set(session.scalars(select(Attachment.sha256).where(
            Attachment.sha256.in_(_attachment_hashes(row.payload)))))
        zone = platform_zone(session)
    actions = [a for a in ACTIONS if row.status in TRANSITIONS[a[0]]]
    can_act = user.role in EXPEDIENTE_ACTORS
    return page(request, user, "expediente.html", f"Expediente {folio}", status_code,
                row=row, catalog=catalog, history=history, amendments=amendments,
                events=events, present=present, actions=actions if can_act else [],
                ok=STATUS_LABELS.get(ok), error=error, zone=zone,
                capturado=captured_text(row.payload, zone), archivo=archivo_text(row))


def _visible(session: Session, db: Database, user: ConsoleUser,
             folio: str) -> tuple[Expediente | None, Catalog]:
    """The expediente if this user may see it (a dependencia user: only their dependencia's)."""
    catalog = load_catalog(session, db.url)
    row = session.scalars(select(Expediente).where(Expediente.folio == folio)).one_or_none()
    if row is not None and _scoped(user) and (
            catalog.dependencia_of(row.tramite_homoclave) != user.dependencia):
        return None, catalog
    return row, catalog


def _not_found(request: Request, user: ConsoleUser) -> Response:
    return message_page(request, user, "Expediente no encontrado",
                        "No hay un expediente con ese folio que usted pueda consultar.", 404)


def _scoped(user: ConsoleUser) -> bool:
    return user.role == "dependencia"


def _attachment_hashes(payload: dict[str, Any]) -> list[str]:
    return [str(a.get("sha256")) for a in payload.get("attachments") or [] if isinstance(a, dict)]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _without_page(request: Request) -> str:
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "pagina"])
