"""A platform user's change (`user.changed`, pulled) applied to the copy this window caches.

The rule mirrors the platform's (`central.users.may_open_window`): a user opens this window while
active, in a window role, and placed at this office or at none (a platform-wide admin). Anyone
else — deactivated, moved to another office, given a console role — stays in the store, inactive,
so their cached hash opens nothing even offline ("Usuario o contraseña incorrectos."). A password
reset (or a change made elsewhere) drops the cached hash, so the next login asks the platform. A
user this window never cached is not created (no hash travels); demo users are not the platform's.
Each applied change is an audit entry (ARCHITECTURE §7, §10).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from desktop.records.audit import append_audit
from localdb.models import SyncState, User
from localdb.states import Role
from wire.payloads import UserChange

log = logging.getLogger(__name__)
PLATFORM_ACTOR = "plataforma"
NO_CACHED_HASH = ""  # never verifies: argon2 refuses it as a hash


def apply_user_change(session: Session, change: UserChange) -> None:
    user = session.get(User, change.username.lower())
    if user is None or user.is_demo:
        log.info("user change skipped: user not cached here or a demo user")
        return
    here = session.get_one(SyncState, 1).oficina
    opens_here = (change.active and change.role in set(Role)
                  and change.office in (None, here))
    detail: dict[str, Any] = {"active": opens_here, "platform_active": change.active,
                              "office": change.office, "role": change.role}
    if opens_here:
        user.full_name, user.role = change.full_name, Role(change.role)
    user.active = opens_here
    if change.password_reset:
        user.password_hash = NO_CACHED_HASH
        user.failed_attempts, user.locked_until = 0, None
        detail["password_reset"] = True
    append_audit(session, PLATFORM_ACTOR, "user.platform_change", user.username, detail)
