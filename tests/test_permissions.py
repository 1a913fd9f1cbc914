"""Permissions live in the services: each service called with each role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.access.auth import create_user
from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import import_bundle_file
from desktop.capture.drafts import DraftInput, save_draft
from desktop.capture.service import CaptureRequest, capture_expediente
from desktop.demo import DEMO_BUNDLE_PATH
from desktop.errors import PermissionDenied, VentanillaError
from desktop.records.cajas import open_caja
from desktop.records.cierre import cierre_data
from desktop.records.corte import close_caja, corte_document
from desktop.records.expedientes import cancel_folio
from desktop.records.payments import register_payment
from desktop.records.recibos import cancel_recibo

USERS = {role: CurrentUser(role.value, role.value.title(), role) for role in Role}


def _bad() -> None:
    """A read-only action that succeeded: fail like a refused input, past the permission."""
    raise VentanillaError("permitido")


def _capture(ctx, user):
    return capture_expediente(ctx, user, CaptureRequest(homoclave="NO-EXISTE", answers={}))


def _draft(ctx, user):
    return save_draft(ctx, user, DraftInput("NO-EXISTE", 1, {}))


SERVICES = {
    "capture": (_capture, set(Role)),
    "draft": (_draft, set(Role)),
    "cancel": (lambda ctx, u: cancel_folio(ctx, u, "NO-EXISTE", "motivo de prueba"),
             {Role.SUPERVISOR, Role.ADMIN}),
    "payment": (lambda ctx, u: register_payment(ctx, u, "NO-EXISTE", "efectivo"), set(Role)),
    "open_caja": (lambda ctx, u: open_caja(ctx, u, "-1"), set(Role)),
    "cancel_recibo": (lambda ctx, u: cancel_recibo(ctx, u, "NO-EXISTE", "motivo de prueba"),
                      {Role.SUPERVISOR, Role.ADMIN}),
    "count_corte": (lambda ctx, u: close_caja(ctx, u, {}, USERS[Role.SUPERVISOR]), set(Role)),
    "sign_corte": (lambda ctx, u: close_caja(ctx, USERS[Role.OPERADOR], {}, u),
                   {Role.SUPERVISOR, Role.ADMIN}),
    "reprint_corte": (lambda ctx, u: corte_document(ctx, u, "no-existe"), set(Role)),
    "cierre": (lambda ctx, u: cierre_data(ctx, u, date(1999, 1, 1)) and _bad(),
               {Role.SUPERVISOR, Role.ADMIN}),
    "import_config": (lambda ctx, u: import_bundle_file(ctx, Path(DEMO_BUNDLE_PATH), u),
                      {Role.ADMIN}),
    "create_user": (lambda ctx, u: create_user(ctx, u, "x", "X", Role.OPERADOR, "corta"),
                    {Role.ADMIN}),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_service_checks_role(demo_ctx, service: str, role: Role) -> None:
    call, allowed = SERVICES[service]
    if role in allowed:
        # Allowed: the call gets past the permission check and fails on the bad input instead.
        with pytest.raises(VentanillaError) as err:
            call(demo_ctx, USERS[role])
        assert not isinstance(err.value, PermissionDenied)
    else:
        with pytest.raises(PermissionDenied, match="no tiene permiso"):
            call(demo_ctx, USERS[role])
