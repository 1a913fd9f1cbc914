"""The stale flag of a machine: days since it was last seen against the thresholds the bundle in
force sets for its office (wire.staleness, the rule the window applies to itself)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import ConfigBundle, Machine, utc_now
from wire.staleness import Staleness, thresholds_of_payload

STALE_LABELS = {Staleness.AL_DIA: "", Staleness.AVISO: "aviso",
                Staleness.BLOQUEO: "captura bloqueada"}


@dataclass(frozen=True)
class StaleRule:
    payload: dict[str, Any]
    now: datetime

    def days(self, machine: Machine) -> int:
        seen = machine.last_seen or machine.enrolled_at
        return max(0, (self.now - seen) // timedelta(days=1))

    def level(self, machine: Machine) -> Staleness:
        return thresholds_of_payload(self.payload, machine.office).level(self.days(machine))


def stale_rule(session: Session) -> StaleRule:
    """The rule of the newest published bundle (the defaults when none is published)."""
    raw = session.scalar(select(ConfigBundle.payload).order_by(ConfigBundle.version.desc())
                         .limit(1))
    payload = json.loads(raw) if raw else {}
    return StaleRule(payload if isinstance(payload, dict) else {}, utc_now())
