"""Actions that ask for the user's password again (ARCHITECTURE §10): cancelar folio.

The password is checked by desktop.access.auth under the same lockout rules as the login (a
wrong one counts towards the lockout; a locked user is refused), and it must be the signed-in
user's own. Only then is the action itself run, with its own permission check.
"""

from __future__ import annotations

from desktop.access.auth import verify_password_for
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio, require_cancel_reason


def cancel_with_password(ctx: AppContext, user: CurrentUser, folio: str, reason: str,
                         password: str) -> None:
    """Cancel `folio` once `user` has typed their password again. May reach the platform (a
    platform user's login), so callers run it on the slow lane."""
    require(user, Permission.CANCEL_FOLIO)  # refuse before a password is even checked
    require_cancel_reason(reason)
    confirmed = verify_password_for(ctx, user.username, password)
    cancel_folio(ctx, confirmed, folio, reason)
