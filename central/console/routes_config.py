"""Configuración: paste or upload a bundle, see it validated with its impact against the version
in force, publish it signed with the platform key (as `publish-config`), and the history."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from central.bundles import BundleRefused, latest_version, publish, read_payload
from central.console import audit
from central.console.auth import ADMIN, OVERSIGHT, allow
from central.console.config_diff import diff_bundles
from central.console.render import page
from central.console.sessions import ConsoleUser
from central.machine_auth import database
from central.models import ConfigBundle
from central.publish_preview import preview_publish

router = APIRouter()
Admin = Annotated[ConsoleUser, Depends(allow(*ADMIN))]
MAX_BUNDLE_BYTES = 5 * 1024 * 1024
# The form that carries a bundle: publishing posts the reviewed content back form-encoded, where
# a quote, brace or accented letter takes three bytes or more (the request's cap, central/app.py).
CONFIG_FORM_BYTES = 3 * MAX_BUNDLE_BYTES + 65_536


@router.get("/configuracion")
def configuracion(request: Request, user: Annotated[ConsoleUser, Depends(allow(*OVERSIGHT))],
                  ok: str = "") -> Response:
    message = f"Configuración versión {ok} publicada." if ok.isdigit() else None
    return _page(request, user, ok=message)


@router.post("/configuracion/revisar", form_limits={"max_part_size": CONFIG_FORM_BYTES})
async def review(request: Request, user: Admin, contenido: Annotated[str, Form()] = "",
                 archivo: UploadFile | None = None) -> Response:
    raw = contenido.encode()
    if archivo is not None and archivo.filename:
        raw = await archivo.read(MAX_BUNDLE_BYTES + 1)
    if not raw.strip():
        return _page(request, user, error="Pegue el contenido JSON o elija un archivo.",
                     status_code=422)
    if len(raw) > MAX_BUNDLE_BYTES:
        return _page(request, user, error="El archivo pasa de 5 MB.", status_code=422)
    try:
        new, current = _validated(request, raw)
    except BundleRefused as exc:
        return _page(request, user, error=str(exc), status_code=422)
    with database(request).read() as session:
        preview = preview_publish(session, raw)  # the report `publish-config` and windows show
    return page(request, user, "config_review.html", "Revisar configuración",
                diff=diff_bundles(current, new), contenido=raw.decode("utf-8", "replace"),
                reporte=preview.text() if preview.report is not None else None)


@router.post("/configuracion/publicar", form_limits={"max_part_size": CONFIG_FORM_BYTES})
def publish_bundle(request: Request, user: Admin,
                   contenido: Annotated[str, Form()] = "") -> Response:
    db = database(request)
    try:
        with db.write() as session:
            bundle = publish(session, contenido.encode())
            bundle.published_by = user.username
            version = bundle.version
    except BundleRefused as exc:
        return _page(request, user, error=str(exc), status_code=422)
    audit.record(db, request, user.username, "config.publicar", f"versión {version}")
    return RedirectResponse(f"/consola/configuracion?ok={version}", status_code=303)


def _validated(request: Request, raw: bytes) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The new payload and the one in force; BundleRefused when it cannot be published."""
    new = read_payload(raw)
    tramites = new.get("tramites")
    if not isinstance(tramites, list) or not all(
            isinstance(t, dict) and isinstance(t.get("homoclave"), str) for t in tramites):
        raise BundleRefused("El paquete necesita «tramites»: una lista de trámites, cada uno "
                            "con su «homoclave».")
    with database(request).read() as session:
        latest = latest_version(session)
        payload = session.scalar(select(ConfigBundle.payload)
                                 .where(ConfigBundle.version == latest))
    if new["version"] <= latest:
        raise BundleRefused(f"La versión {new['version']} no es mayor que la publicada "
                            f"({latest}).")
    return new, json.loads(payload) if payload else None


def _page(request: Request, user: ConsoleUser, *, ok: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    with database(request).read() as session:
        history = session.execute(
            select(ConfigBundle.version, ConfigBundle.published_at, ConfigBundle.published_by,
                   ConfigBundle.etag).order_by(ConfigBundle.version.desc())).all()
    return page(request, user, "configuracion.html", "Configuración", status_code,
                history=history, ok=ok, error=error)
