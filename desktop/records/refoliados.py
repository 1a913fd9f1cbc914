"""The list of expedientes given a new folio at sync (desktop/records/refolio.py), kept in the
setting `sync.refoliados` for `main.py status`: the acuse handed to the citizen carries the
original folio. Apart from refolio.py so that `status` imports no wire models."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from localdb.models import Setting

SETTING = "sync.refoliados"


def remember_refolio(session: Session, uuid: str, old: str, new: str) -> None:
    row = session.get(Setting, SETTING)
    listed = json.loads(row.value) if row is not None else []
    listed.append({"uuid": uuid, "folio_original": old, "folio": new})
    if row is None:
        session.add(Setting(key=SETTING, value=json.dumps(listed)))
    else:
        row.value = json.dumps(listed)


def refolio_summary(session: Session) -> list[str]:
    """Spanish lines for `main.py status`: each new folio and the one on the citizen's acuse."""
    row = session.get(Setting, SETTING)
    listed = json.loads(row.value) if row is not None else []
    return [f"{item['folio']} (el acuse impreso dice {item['folio_original']}; reimprímalo)"
            for item in listed]
