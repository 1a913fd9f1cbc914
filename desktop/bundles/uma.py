"""Which UMA a trámite version's fees use (ARCHITECTURE §8): the UMA of the newest applied bundle
that carries that version. A trámite still in force uses the UMA in force; a borrador pinned to
an older version is computed wholly under the bundle that carried it — never its old rules with a
newer UMA. Moving the borrador to the version in force moves it to the UMA in force too."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.bundle_in_force import applied_bundles
from desktop.bundles.apply import current_bundle, stored_bundle


def uma_for(session: Session, homoclave: str, version: int) -> Decimal:
    """The daily UMA for fees of `homoclave` version `version`; the UMA in force when no applied
    bundle carries it (e.g. a demo version left behind at enrollment)."""
    for version_in_bundle, sha256 in applied_bundles(session):
        bundle = stored_bundle(session, version_in_bundle, sha256)
        if any(t.homoclave == homoclave and t.version == version for t in bundle.tramites):
            return bundle.uma_diaria
    return current_bundle(session).uma_diaria
