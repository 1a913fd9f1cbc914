"""Which applied bundle is in force, named by its (version, sha256), without reading its text.

A bundle's sha256 names its content, so whatever is derived from the text (the parsed bundle,
`desktop/bundles/apply.stored_bundle`; the office's zone, `desktop/clock.office_zone`) can be
kept per process under that hash. It imports no bundle schema (`status` uses it), so it lives
outside `desktop.bundles`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from localdb.models import ConfigBundleRecord

T = TypeVar("T")
_DERIVED: dict[tuple[Callable[[bytes | None], Any], str], Any] = {}  # (derive, sha256) → value
_DERIVED_KEPT = 32


def applied_bundles(session: Session) -> list[tuple[int, str]]:
    """(version, sha256) of every applied bundle, the newest first."""
    return [(v, h) for v, h in session.execute(
        select(ConfigBundleRecord.version, ConfigBundleRecord.sha256)
        .order_by(ConfigBundleRecord.version.desc()))]


def bundle_in_force(session: Session) -> tuple[int, str] | None:
    """(version, sha256) of the newest applied bundle; None before any."""
    newest = session.execute(select(ConfigBundleRecord.version, ConfigBundleRecord.sha256)
                             .order_by(ConfigBundleRecord.version.desc()).limit(1)).first()
    return None if newest is None else (newest.version, newest.sha256)


def bundle_text(session: Session, version: int) -> bytes | None:
    return session.scalar(select(ConfigBundleRecord.content)
                          .where(ConfigBundleRecord.version == version))


def derived(session: Session, version: int, sha256: str, derive: Callable[[bytes | None], T]) -> T:
    """`derive(text)` of an applied bundle, computed once per process and hash: the text is read
    only the first time."""
    key = (derive, sha256)
    if key not in _DERIVED:
        value = derive(bundle_text(session, version))
        if len(_DERIVED) >= _DERIVED_KEPT:
            _DERIVED.clear()
        _DERIVED[key] = value
    return _DERIVED[key]  # type: ignore[no-any-return]
