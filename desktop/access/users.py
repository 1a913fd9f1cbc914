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
from desktop.context import AppContext
from localdb.models import User
from localdb.states import Role


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str
    role: Role
    last_login_at: datetime | None  # at this window; None: never logged in here
    from_platform: bool
    demo: bool
    active: bool
    password_cached: bool  # False: the next login asks the platform (reset, or never cached)
    locked_until: datetime | None

    @property
    def read_only(self) -> bool:
        """A platform user changes only on the platform."""
        return self.from_platform


def list_users(ctx: AppContext, actor: CurrentUser) -> list[UserInfo]:
    """Every user this window knows, active ones first; administrators only."""
    require(actor, Permission.MANAGE_USERS)
    with ctx.read() as session:
        users = session.scalars(select(User).order_by(User.active.desc(), User.username)).all()
        return [UserInfo(u.username, u.full_name, Role(u.role), u.last_login_at,
                         u.from_platform, u.is_demo, u.active, bool(u.password_hash),
                         u.locked_until) for u in users]
