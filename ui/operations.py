"""Worker-side calls the views hand to the task runner: each opens its own session, calls the
Qt-free services and returns plain objects. Nothing here touches a widget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.access.permissions import CurrentUser
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import TramiteSummary, get_tramite, search_tramites
from desktop.bundles.schema import TramiteDef
from desktop.bundles.uma import uma_for
from desktop.capture.draft_move import newer_version
from desktop.capture.drafts import DraftInput, DraftSummary, delete_draft, list_drafts, load_draft
from desktop.context import AppContext
from desktop.records.audit_verify import tail_warning
from desktop.records.expedientes import (
    ApplicantInfo,
    ExpedienteRow,
    count_expedientes,
    count_returned,
    find_applicant_by_curp,
    page_expedientes,
)
from desktop.records.payments import PaymentInfo, payment_info, register_payment
from desktop.records.standing import ExpedienteStanding, expediente_standing
from sync.enroll import EnrollResult, enroll


@dataclass(frozen=True)
class CaptureSetup:
    """Everything the capture screen needs about a trámite, read once off the GUI thread."""

    tramite: TramiteDef
    dependencia_nombre: str
    uma_diaria: Decimal
    clave_catastral_patron: str
    max_anexo_mb: int
    newer_version: int | None = None  # the version in force, when this one is older


@dataclass(frozen=True)
class ExpedienteQuery:
    """What the expedientes list shows: full-text search plus the supervisor's filters."""

    search: str = ""
    status: str | None = None
    sync_state: str | None = None


@dataclass(frozen=True)
class ExpedientePage:
    total: int
    rows: list[ExpedienteRow]


def audit_warning(ctx: AppContext) -> str | None:
    """The start-up check of the audit chain's tail and anchors: None when they hold."""
    with ctx.read() as session:
        return tail_warning(session)


def search_catalog(ctx: AppContext, text: str) -> list[TramiteSummary]:
    with ctx.read() as session:
        return search_tramites(session, text)


def load_capture_setup(ctx: AppContext, homoclave: str, version: int | None) -> CaptureSetup:
    with ctx.read() as session:
        tramite = get_tramite(session, homoclave, version)
        bundle = current_bundle(session)
        uma = uma_for(session, tramite.homoclave, tramite.version)  # never v1 rules, v2 UMA
        newer = newer_version(session, tramite.homoclave, tramite.version)
    names = {d.clave: d.nombre for d in bundle.dependencias}
    return CaptureSetup(tramite, names.get(tramite.dependencia, tramite.dependencia),
                        uma, bundle.clave_catastral_patron, bundle.max_anexo_mb, newer)


def find_applicant(ctx: AppContext, curp: str) -> ApplicantInfo | None:
    with ctx.read() as session:
        return find_applicant_by_curp(session, curp)


def drafts_of(ctx: AppContext, user: CurrentUser) -> list[DraftSummary]:
    with ctx.read() as session:
        return list_drafts(session, user.username)


def open_draft(ctx: AppContext, uuid: str) -> tuple[DraftInput, CaptureSetup]:
    with ctx.read() as session:
        draft = load_draft(session, uuid, ctx.blob_dir)
    return draft, load_capture_setup(ctx, draft.homoclave, draft.version)


def remove_draft(ctx: AppContext, user: CurrentUser, uuid: str) -> None:
    delete_draft(ctx, user, uuid)


def expedientes_page(ctx: AppContext, query: ExpedienteQuery, offset: int, limit: int,
                     order: str, descending: bool, with_total: bool) -> ExpedientePage:
    with ctx.read() as session:
        rows = page_expedientes(session, query.search, offset, limit, order, descending,
                                query.status, query.sync_state) if limit else []
        total = (count_expedientes(session, query.search, query.status, query.sync_state)
                 if with_total else -1)
    return ExpedientePage(total, rows)


def returned_count(ctx: AppContext, username: str) -> int:
    with ctx.read() as session:
        return count_returned(session, username)


def standing_of(ctx: AppContext, folio: str) -> ExpedienteStanding:
    with ctx.read() as session:
        return expediente_standing(session, folio)


def enroll_machine(ctx: AppContext, user: CurrentUser, url: str, code: str) -> EnrollResult:
    """Enroll with the platform (network, then the store): never on the GUI thread."""
    return enroll(ctx, user, url, code)


def payment_state(ctx: AppContext, folio: str) -> PaymentInfo:
    return payment_info(ctx, folio)


def record_payment(ctx: AppContext, user: CurrentUser, folio: str, method: str,
                   reference: str | None) -> PaymentInfo:
    return register_payment(ctx, user, folio, method, reference)
