"""Actions that ask for a password again (ARCHITECTURE §10): cancelar folio, cancelar recibo
(the signed-in user's own password) and the corte de caja (the signing supervisor's username and
password, typed at the operador's session).

The password is checked by desktop.access.auth under the same lockout rules as the login (a
wrong one counts towards the lockout; a locked user is refused), and it must be the signed-in
user's own. Only then is the action itself run, with its own permission check.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.access.auth import verify_password_for
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.errors import VentanillaError
from desktop.records.corte import close_caja, counted_total
from desktop.records.expedientes import cancel_folio, require_cancel_reason
from desktop.records.recibos import CancelledRecibo, cancel_recibo, require_recibo_reason


def cancel_with_password(ctx: AppContext, user: CurrentUser, folio: str, reason: str,
                         password: str) -> None:
    """Cancel `folio` once `user` has typed their password again. May reach the platform (a
    platform user's login), so callers run it on the slow lane."""
    require(user, Permission.CANCEL_FOLIO)  # refuse before a password is even checked
    require_cancel_reason(reason)
    confirmed = verify_password_for(ctx, user.username, password)
    cancel_folio(ctx, confirmed, folio, reason)


def cancel_recibo_with_password(ctx: AppContext, user: CurrentUser, folio: str, reason: str,
                                password: str) -> CancelledRecibo:
    """Cancel the recibo of expediente `folio` once `user` has typed their password again."""
    require(user, Permission.CANCEL_RECIBO)
    require_recibo_reason(reason)
    confirmed = verify_password_for(ctx, user.username, password)
    return cancel_recibo(ctx, confirmed, folio, reason)


def sign_corte(ctx: AppContext, user: CurrentUser, counts: Mapping[str, int],
               supervisor: str, password: str) -> str:
    """Close the open caja with `user`'s count once `supervisor` has signed with their password
    (the lockout counts their failures). Returns the caja's uuid."""
    require(user, Permission.COUNT_CORTE)
    counted_total(counts)  # a bad count is refused before a password is checked
    if not supervisor.strip():
        raise VentanillaError("Escriba el usuario del supervisor que firma el corte.")
    signer = verify_password_for(ctx, supervisor.strip(), password)
    require(signer, Permission.SIGN_CORTE)
    return close_caja(ctx, user, counts, signer)
