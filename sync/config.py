"""Configuration from the platform (ARCHITECTURE §8): GET /v1/config with If-None-Match.

A new bundle is verified with the key pinned at enrollment and applied, together with its ETag,
in one transaction. A refused bundle changes nothing: not the catálogo, not the ETag, so the next
run asks again (and reports again) until the platform publishes one we accept.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from catalogo.impact_text import summary_line
from desktop.bundles.apply import Provenance, applied_version, apply_bundle, verify_bundle
from desktop.bundles.impact_inputs import SOURCE_PLATFORM
from desktop.bundles.signing import parse_envelope
from desktop.context import AppContext
from desktop.errors import BundleError
from desktop.records.audit import append_audit
from localdb.models import ConfigBundleRecord, SyncState
from sync.errors import GarbageResponse
from sync.http import PlatformClient

log = logging.getLogger(__name__)
CONFIG_PATH = "/v1/config"
PUBLISHED_HEADER = "X-Ventanilla-Published-At"


@dataclass(frozen=True)
class ConfigOutcome:
    applied_version: int | None = None  # set when a new bundle was applied
    refused: str | None = None  # Spanish reason when the platform's bundle was refused
    summary: str | None = None  # the applied bundle's impact in one line, for the notice


@dataclass(frozen=True)
class _Fetched:
    payload: bytes
    signature: bytes
    etag: str | None
    published_at: datetime | None


def _published_at(value: str | None) -> datetime | None:
    """The platform's publication time (header `X-Ventanilla-Published-At`, ISO 8601 UTC) as
    stored, naive UTC like `applied_at` (ARCHITECTURE §6); None when absent or unreadable."""
    if not value:
        return None
    try:  # an offset at the calendar's edge overflows in the conversion: as unreadable
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError):
        return None


def _fetch(client: PlatformClient, etag: str | None) -> _Fetched | None:
    headers = {"If-None-Match": etag} if etag else {}
    response = client.request("GET", CONFIG_PATH, headers=headers, accept=(304, 404))
    if response.status_code in (304, 404):  # 404: the platform has published nothing yet
        return None
    if "json" not in response.headers.get("Content-Type", "").lower():
        raise GarbageResponse("config: not JSON")
    try:
        payload, signature = parse_envelope(response.content)
    except BundleError as exc:
        raise GarbageResponse(f"config envelope: {exc.message}") from exc
    return _Fetched(payload, signature, response.headers.get("ETag"),
                    _published_at(response.headers.get(PUBLISHED_HEADER)))


def _refusal(error: BundleError) -> ConfigOutcome:
    # Logged, and shown as the sync error; not audited, since the timer retries every minute.
    log.warning("config bundle from the platform refused: %s", error.message)
    return ConfigOutcome(refused=error.message)


def _already_applied(session: Session, version: int, payload: bytes) -> bool:
    """True when this exact bundle is in force; the same version with other content (e.g. the
    demo catálogo's version number reused by the platform) is refused, never silently kept."""
    if version != applied_version(session):
        return False
    record = session.get(ConfigBundleRecord, version)
    if record is not None and record.sha256 == hashlib.sha256(payload).hexdigest():
        return True
    raise BundleError(
        f"La plataforma publica la configuración versión {version}, pero este equipo ya tiene "
        "otra distinta con ese mismo número (p. ej. la de demostración). La plataforma debe "
        "publicar una versión mayor; mientras tanto sigue vigente la configuración actual."
    )


def refresh_config(ctx: AppContext, client: PlatformClient) -> ConfigOutcome:
    """Fetch and apply the platform's bundle if it changed; never raises BundleError."""
    with ctx.read() as session:
        state = session.get_one(SyncState, 1)
        etag, pinned = state.config_etag, state.platform_public_key or ""
    fetched = _fetch(client, etag)
    if fetched is None:
        return ConfigOutcome()
    payload, signature, new_etag = fetched.payload, fetched.signature, fetched.etag
    try:
        bundle = verify_bundle(payload, signature, pinned)
        with ctx.write() as session:
            state = session.get_one(SyncState, 1)
            if _already_applied(session, bundle.version, payload):
                state.config_etag = new_etag  # e.g. imported earlier from a USB stick
                return ConfigOutcome()
            report = apply_bundle(session, bundle, payload, signature, Provenance(
                SOURCE_PLATFORM, "plataforma", fetched.published_at))
            state.config_etag = new_etag
            append_audit(session, "sistema", "config.sync", f"config:{bundle.version}",
                         {"version": bundle.version,
                          "sha256": hashlib.sha256(payload).hexdigest(),
                          "tramites": len(bundle.tramites)})
    except BundleError as error:
        return _refusal(error)
    summary = summary_line(report, applied=True) if report is not None else None
    return ConfigOutcome(applied_version=bundle.version, summary=summary)
