"""Every change to a platform user reaches the windows that may cache them, through pull.

A `user.changed` change (wire.payloads.UserChange: the user as they now stand, never a password
hash) is appended, in the writer's transaction, to the scope of every office whose windows the
user could open before or after the change: their office, or every office for a platform-wide
admin (office None), so a window also learns that a user moved away is no longer theirs. Console
roles open no window and reach no office. Counters are bumped in scope order, after the user's
row lock, so two user changes never wait on each other in opposite orders (ARCHITECTURE §7, §11).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.changes import PendingChange, append_changes
from central.models import Office, User, utc_now
from wire.payloads import UserChange, user_entity

WINDOW_ROLES = ("operador", "supervisor", "admin")  # the roles that open windows


def offices_reached(session: Session, role: str, office: str | None) -> set[str]:
    """The offices whose windows a user of `role` placed at `office` may open."""
    if role not in WINDOW_ROLES:
        return set()
    if office is None:
        return set(session.scalars(select(Office.clave)))
    return {office}


def publish_user_change(session: Session, user: User, reached_before: set[str],
                        password_reset: bool = False) -> None:
    session.flush()
    data = UserChange(
        username=user.username, full_name=user.full_name, role=user.role, office=user.office,
        active=bool(user.active), password_reset=password_reset, changed_at=utc_now(),
    ).model_dump(mode="json")
    change = PendingChange("user.changed", user_entity(user.username), data)
    for scope in sorted(reached_before | offices_reached(session, user.role, user.office)):
        append_changes(session, scope, [change])
