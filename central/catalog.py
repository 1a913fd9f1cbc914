"""The trámite versions central knows: every (homoclave, version) of every published bundle.

A window captures against the bundle it last applied, and old versions stay valid for the
expedientes captured on them, so a version is known once any published bundle lists it. Bundles
are immutable once published: each one is parsed once per process and cached by its ETag (which
hashes its signed envelope, so two databases can never share an entry by mistake).
"""

from __future__ import annotations

import json
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import ConfigBundle

TramiteVersion = tuple[str, int]

_parsed: dict[str, frozenset[TramiteVersion]] = {}
_lock = threading.Lock()


def known_tramite_versions(session: Session) -> frozenset[TramiteVersion]:
    etags = list(session.scalars(select(ConfigBundle.etag)))
    missing = [etag for etag in etags if etag not in _parsed]
    if missing:
        rows = session.execute(
            select(ConfigBundle.etag, ConfigBundle.payload).where(ConfigBundle.etag.in_(missing))
        )
        with _lock:
            for etag, payload in rows:
                _parsed[etag] = _tramite_versions(payload)
    return frozenset().union(*(_parsed[etag] for etag in etags))


def _tramite_versions(payload: bytes) -> frozenset[TramiteVersion]:
    tramites = json.loads(payload).get("tramites", [])
    return frozenset(
        (t["homoclave"], t["version"]) for t in tramites if isinstance(t, dict)
        and isinstance(t.get("homoclave"), str) and isinstance(t.get("version"), int)
    )
