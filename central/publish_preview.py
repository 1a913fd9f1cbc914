"""What `central publish-config` shows before it publishes (ARCHITECTURE §8): the impact report of
the new bundle against the one in force on the platform — the same report, from the same code
(`catalogo.impact`), as a window's `config-diff` and import preview. The platform has no
borradores, so its report never lists any."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogo.impact import ImpactReport, impact_report
from catalogo.impact_text import report_text
from catalogo.schema import Bundle
from central.bundles import BundleRefused, latest_version, read_payload
from central.models import ConfigBundle


@dataclass(frozen=True)
class PublishPreview:
    version: int
    report: ImpactReport | None  # None: the new payload is not a bundle windows would apply
    problem: str | None  # why there is no report (Spanish)

    def text(self) -> str:
        if self.report is not None:
            return report_text(self.report)
        return (f"Configuración versión {self.version}: no se puede calcular el impacto "
                f"({self.problem}). Las ventanillas rechazarán este paquete.")


def _bundle(payload: bytes | dict[str, object]) -> Bundle:
    data = payload if isinstance(payload, dict) else json.loads(payload, parse_float=Decimal)
    return Bundle.model_validate(data)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(raíz)"
    return f"el dato «{where}» no tiene el formato esperado"


def _in_force(session: Session) -> Bundle | None:
    payload = session.scalars(select(ConfigBundle.payload)
                              .order_by(ConfigBundle.version.desc()).limit(1)).first()
    if payload is None:
        return None
    try:
        return _bundle(payload)
    except (ValidationError, ValueError):  # published before it had to be a whole bundle
        return None


def preview_publish(session: Session, raw: bytes) -> PublishPreview:
    """The report for `raw` (payload or envelope); BundleRefused as publishing would refuse."""
    document = read_payload(raw)
    latest = latest_version(session)
    if document["version"] <= latest:
        raise BundleRefused(
            f"La versión {document['version']} no es mayor que la publicada ({latest})."
        )
    try:
        new = _bundle(json.loads(json.dumps(document), parse_float=Decimal))
    except ValidationError as exc:
        return PublishPreview(document["version"], None, _problem(exc))
    return PublishPreview(new.version, impact_report(_in_force(session), new), None)
