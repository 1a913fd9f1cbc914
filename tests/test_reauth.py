"""Cancelar folio asks for the user's password again: every role is checked in the service, a wrong
password counts towards the same lockout as the login, and a paid folio is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.errors import AccountLocked, AuthError, PermissionDenied, VentanillaError
from desktop.records.payments import register_payment
from desktop.records.reauth import cancel_recibo_with_password, cancel_with_password
from localdb.models import AuditEntry, Expediente
from tests.cajas import ensure_open_caja
from tests.sync.machines import capture_many

# The demo office's users and passwords (desktop/demo_setup.py, published in the README).
USERS = {Role.OPERADOR: (CurrentUser("operador", "Operador", Role.OPERADOR), "operador123"),
         Role.SUPERVISOR: (CurrentUser("supervisor", "Supervisor", Role.SUPERVISOR),
                           "supervisor123"),
         Role.ADMIN: (CurrentUser("admin", "Admin", Role.ADMIN), "admin123")}
REASON = "Datos del predio equivocados"


def _folio(ctx: AppContext) -> str:
    [uuid] = capture_many(ctx, 1)
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def _status(ctx: AppContext, folio: str) -> str:
    with ctx.read() as session:
        return session.scalars(select(Expediente.status).where(Expediente.folio == folio)).one()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_cancels_with_its_password_or_is_refused(demo_ctx: AppContext,
                                                           role: Role) -> None:
    folio = _folio(demo_ctx)
    user, password = USERS[role]
    if role == Role.OPERADOR:
        with pytest.raises(PermissionDenied,
                           match="Operador no tiene permiso para cancelar folios"):
            cancel_with_password(demo_ctx, user, folio, REASON, password)
        assert _status(demo_ctx, folio) == "capturado"
        return
    cancel_with_password(demo_ctx, user, folio, REASON, password)
    assert _status(demo_ctx, folio) == "anulado"
    with demo_ctx.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and (entry.actor, entry.action, entry.entity) == (
        user.username, "expediente.anulado", folio)


def test_a_wrong_password_cancels_nothing_and_five_lock_the_user(demo_ctx: AppContext) -> None:
    folio = _folio(demo_ctx)
    user, password = USERS[Role.SUPERVISOR]
    with pytest.raises(AuthError, match="Le quedan 4 intentos"):
        cancel_with_password(demo_ctx, user, folio, REASON, "otra-clave")
    for _ in range(3):
        with pytest.raises(AuthError):
            cancel_with_password(demo_ctx, user, folio, REASON, "otra-clave")
    with pytest.raises(AccountLocked):
        cancel_with_password(demo_ctx, user, folio, REASON, "otra-clave")
    with pytest.raises(AccountLocked):  # locked: even the right password waits
        cancel_with_password(demo_ctx, user, folio, REASON, password)
    assert _status(demo_ctx, folio) == "capturado"


def test_a_short_reason_is_refused_before_the_password_is_checked(demo_ctx: AppContext) -> None:
    folio = _folio(demo_ctx)
    user, _ = USERS[Role.SUPERVISOR]
    for _ in range(6):  # no failure is counted: the user never gets locked
        with pytest.raises(VentanillaError, match="motivo de la cancelación"):
            cancel_with_password(demo_ctx, user, folio, "mal", "otra-clave")


def test_a_paid_folio_cannot_be_cancelled(demo_ctx: AppContext) -> None:
    folio = _folio(demo_ctx)
    user, password = USERS[Role.SUPERVISOR]
    ensure_open_caja(demo_ctx)
    register_payment(demo_ctx, user, folio, "efectivo")
    with pytest.raises(VentanillaError, match="primero cancele su recibo oficial"):
        cancel_with_password(demo_ctx, user, folio, REASON, password)
    assert _status(demo_ctx, folio) == "capturado"


def test_once_its_recibo_is_cancelled_a_paid_folio_can_be_cancelled(demo_ctx: AppContext) -> None:
    folio = _folio(demo_ctx)
    user, password = USERS[Role.SUPERVISOR]
    ensure_open_caja(demo_ctx)
    paid = register_payment(demo_ctx, user, folio, "efectivo")
    with pytest.raises(AuthError):
        cancel_recibo_with_password(demo_ctx, user, folio, "Cobro duplicado", "otra-clave")
    gone = cancel_recibo_with_password(demo_ctx, user, folio, "Cobro duplicado", password)
    assert (gone.folio, gone.expediente_folio) == (paid.recibo_folio, folio)
    cancel_with_password(demo_ctx, user, folio, REASON, password)
    assert _status(demo_ctx, folio) == "anulado"
