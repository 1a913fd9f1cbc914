"""The bitácora: every console action, who, when, what, from which address. Rows are only
appended (nothing in central updates or deletes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy import func, select

from central.console.paging import page_within
from central.db import Database
from central.models import AuditEvent, utc_now

PAGE_SIZE = 50
ACTION_LABELS = {
    "sesion.entrar": "Entró a la consola", "sesion.fallida": "Intento de entrada fallido",
    "sesion.salir": "Salió de la consola", "contrasena.cambiar": "Cambió su contraseña",
    "expediente.estado": "Cambió el estado de un expediente",
    "anexo.descargar": "Descargó un anexo",
    "oficina.crear": "Creó una oficina", "codigo.crear": "Generó un código de alta",
    "equipo.revocar": "Revocó un equipo", "usuario.crear": "Creó un usuario",
    "usuario.desactivar": "Desactivó un usuario", "usuario.reactivar": "Reactivó un usuario",
    "usuario.contrasena": "Restableció una contraseña", "usuario.rol": "Cambió un rol",
    "usuario.oficina": "Cambió la oficina de un usuario",
    "config.publicar": "Publicó una configuración",
}


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    desde: datetime | None = None
    hasta: datetime | None = None  # exclusive


def record(db: Database, request: Request, username: str, action: str, target: str = "",
           detail: str = "") -> None:
    address = request.client.host if request.client else ""
    with db.write() as session:
        session.add(AuditEvent(at=utc_now(), username=username, action=action,
                               target=target[:200], detail=detail, address=address[:64]))


def search(db: Database, criteria: AuditFilter,
           page: int) -> tuple[list[AuditEvent], int, int]:
    """One page of events, newest first, how many match, and the page shown: `page` within
    1..last (an offset past BIGINT would be a database error, not a page)."""
    query = select(AuditEvent)
    if criteria.username:
        query = query.where(AuditEvent.username == criteria.username)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.desde:
        query = query.where(AuditEvent.at >= criteria.desde)
    if criteria.hasta:
        query = query.where(AuditEvent.at < criteria.hasta)
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = page_within(page, total, PAGE_SIZE)
        rows = session.scalars(query.order_by(AuditEvent.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), total, page
