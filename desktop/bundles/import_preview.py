"""Importing a bundle file the way the window does it (ARCHITECTURE §8): read and verify it, show
its impact report, and apply exactly the previewed bytes only once the administrator has typed
their password again (same lockout rules as the login, ARCHITECTURE §10). Cancelling the
preview changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalogo.impact import ImpactReport
from desktop.access.auth import verify_password_for
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import import_bundle_bytes, preview_bundle
from desktop.bundles.schema import Bundle
from desktop.bundles.signing import read_bundle_file
from desktop.context import AppContext


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    payload: bytes
    signature: bytes
    bundle: Bundle
    report: ImpactReport


def preview_file(ctx: AppContext, path: Path) -> ImportPreview:
    """Read and verify `path` like an import and report its impact; writes nothing. BundleError
    (Spanish) when the file is unreadable, damaged, tampered with or not newer."""
    payload, signature = read_bundle_file(path)
    with ctx.read() as session:
        bundle, report = preview_bundle(session, payload, signature)
    return ImportPreview(path.name, payload, signature, bundle, report)


def preview_import(ctx: AppContext, user: CurrentUser, path: Path) -> ImportPreview:
    require(user, Permission.IMPORT_CONFIG)
    return preview_file(ctx, path)


def confirm_import(ctx: AppContext, user: CurrentUser, preview: ImportPreview,
                   password: str) -> Bundle:
    """Apply the previewed bundle once `user` has typed their password again. May reach the
    platform (a platform user's login), so callers run it on the slow lane."""
    require(user, Permission.IMPORT_CONFIG)  # refuse before a password is even checked
    confirmed = verify_password_for(ctx, user.username, password)
    return import_bundle_bytes(ctx, confirmed, preview.file_name, preview.payload,
                               preview.signature)
