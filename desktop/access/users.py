"""The users this window knows, for its administrator (ARCHITECTURE §10): local users (created
here, like the demo office's) and platform users cached by a login here, kept in step with the
platform by pull (`sync/user_changes.py`). Read-only: platform users are managed on the platform
(`central user …` or the console); this view only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Permission, require
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from localdb.models import User
from localdb.states import Role


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str
    role: Role
    last_login_at: datetime | None  # at this window, office's wall clock; None: never here
    from_platform: bool
    demo: bool
    active: bool
    password_cached: bool  # False: the next login asks the platform (reset, or never cached)
    locked_until: datetime | None  # office's wall clock (aware)

    @property
    def read_only(self) -> bool:
        """A platform user changes only on the platform."""
        return self.from_platform


def list_users(ctx: AppContext, actor: CurrentUser) -> list[UserInfo]:
    """Every user this window knows, active ones first; administrators only."""
    require(actor, Permission.MANAGE_USERS)
    with ctx.read() as session:
        users = session.scalars(select(User).order_by(User.active.desc(), User.username)).all()
        zone = office_zone(session)  # stored UTC; the view shows the office's wall clock
        return [UserInfo(u.username, u.full_name, Role(u.role), shown(u.last_login_at, zone),
                         u.from_platform, u.is_demo, u.active, bool(u.password_hash),
                         shown(u.locked_until, zone)) for u in users]
