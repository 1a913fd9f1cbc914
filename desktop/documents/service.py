"""Acuse and recibo of an expediente: build their data, render, print, and account for copies.

Only paper copies count: every copy sent to a printer is one audit entry "documento.impreso"
(entity = folio, detail = doc, variante, layout, reimpresion, destino) and adds one to
`expedientes.print_count`. The n-th paper copy of the same document (any layout) prints
"REIMPRESIÓN n-1": the number of earlier entries for that folio, doc and variante. A preview is
not a copy; a PDF saved to a file is an electronic copy: it says "COPIA ELECTRÓNICA", is audited
as "documento.guardado" and never uses up the original, however many are saved. The recibo has
two variantes: the orden de pago (before payment) and the recibo de pago (after), so the first
recibo de pago is an original even when the orden de pago was printed before. Entries written
before variantes existed count as the orden de pago. A copy is recorded only after it reached the
printer, so a failed print never counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.access.credentials import CredentialStore
from desktop.access.permissions import CurrentUser, Permission, require
from desktop.bundles.apply import current_bundle
from desktop.bundles.schema import Bundle
from desktop.clock import office_zone, shown
from desktop.context import AppContext
from desktop.documents.business_days import add_business_days
from desktop.documents.receipts import load_signer
from desktop.errors import NotFound, VentanillaError, os_error_message
from desktop.records.audit import append_audit
from desktop.records.payments import current_recibo
from desktop.records.referencia import referencia_for
from desktop.states import ExpedienteStatus, status_label
from localdb.models import AuditEntry, Dependencia, Expediente, Setting, SyncState, Tramite, User
from printing.acuse import render_acuse
from printing.document_data import DocumentData, FeeLine, RequisitoLine
from printing.layouts import LayoutName, get_layout
from printing.printers import PrintFailed, print_pdf
from printing.recibo import render_recibo
from wire.times import office_time

DocKind = Literal["acuse", "recibo"]
Variant = Literal["acuse", "orden_de_pago", "recibo_de_pago"]
PRINT_ACTION = "documento.impreso"
SAVE_ACTION = "documento.guardado"
DEFAULT_PRINTER_SETTING = "default_printer"
DEFAULT_AVISO = (
    "Sus datos personales se usan solo para atender este trámite y se protegen conforme a la "
    "ley de protección de datos personales aplicable. Consulte el aviso integral en la oficina."
)
DEFAULT_DIAS_PARA_PAGO = 5  # días hábiles an orden de pago stays payable when the bundle is silent
DOC_TITLES = {"acuse": "Acuse de recibo", "recibo": "Orden de pago / recibo"}
VARIANT_TITLES = {"acuse": "Acuse de recibo", "orden_de_pago": "Orden de pago",
                  "recibo_de_pago": "Recibo de pago"}


class PrinterError(VentanillaError):
    """The document did not print; the expediente is safe and can be printed later."""


@dataclass(frozen=True)
class RenderedDocument:
    folio: str
    doc: DocKind
    layout: LayoutName
    reprint_number: int
    pdf: bytes
    variant: Variant = "acuse"

    @property
    def title(self) -> str:
        return VARIANT_TITLES[self.variant]


def _doc_kind(doc: str) -> DocKind:
    if doc not in ("acuse", "recibo"):
        raise VentanillaError(f"Documento desconocido «{doc}»: use acuse o recibo.")
    return "acuse" if doc == "acuse" else "recibo"


def _expediente(session: Session, folio: str) -> Expediente:
    row = session.scalars(select(Expediente).where(Expediente.folio == folio)).first()
    if row is None:
        raise NotFound(f"No existe el expediente con folio {folio}.")
    return row


def _bundle(session: Session) -> Bundle | None:
    try:
        return current_bundle(session)
    except NotFound:
        return None


def _requisitos(expediente: Expediente, definition: dict[str, Any]) -> list[RequisitoLine]:
    described = {r["clave"]: r["descripcion"] for r in definition.get("requisitos", [])}
    return [RequisitoLine(described.get(r["clave"], r["clave"]), bool(r["recibido"]),
                          str(r.get("nota") or "")) for r in expediente.requisitos]


def _cobros(expediente: Expediente) -> list[FeeLine]:
    return [FeeLine(c["concepto"], c["cri"], Decimal(str(c["importe"])))
            for c in expediente.cobros]


def document_data_for(session: Session, folio: str, *, reprint_number: int = 0,
                      credentials: CredentialStore) -> DocumentData:
    """Everything the acuse and recibo show, read from the local store in the caller's session."""
    expediente = _expediente(session, folio)
    tramite = session.scalars(select(Tramite).where(
        Tramite.homoclave == expediente.tramite_homoclave,
        Tramite.version == expediente.tramite_version)).one()
    dependencia = session.get(Dependencia, tramite.dependencia_clave)
    state = session.get_one(SyncState, 1)
    bundle = _bundle(session)
    user = session.get(User, expediente.created_by)
    total = Decimal(expediente.total_centavos) / 100
    signer = load_signer(session, credentials)
    inhabiles = bundle.dias_inhabiles if bundle else []
    zone = office_zone(session)  # paper shows the office's wall clock and calendar
    captured = office_time(expediente.captured_at, zone)
    return DocumentData(
        municipio=state.municipio or (bundle.municipio.nombre if bundle else ""),
        estado=bundle.municipio.estado if bundle else "",
        dependencia=dependencia.nombre if dependencia else tramite.dependencia_clave,
        oficina=state.oficina, oficina_nombre=state.oficina_nombre or state.oficina,
        ventanilla=state.ventanilla, folio=expediente.folio,
        captured_at=captured, tramite_nombre=tramite.nombre,
        homoclave=tramite.homoclave, solicitante_nombre=expediente.nombre,
        solicitante_curp=expediente.curp, solicitante_rfc=expediente.rfc,
        requisitos=_requisitos(expediente, tramite.definition), plazo_dias=tramite.plazo_dias,
        fecha_compromiso=add_business_days(captured.date(), tramite.plazo_dias, inhabiles),
        funcionario=user.full_name if user else expediente.created_by,
        aviso_privacidad=(bundle.aviso_privacidad if bundle else "") or DEFAULT_AVISO,
        cobros=_cobros(expediente), total=total,
        qr_url=signer.url(expediente.folio, total, captured.date(),
                          expediente.content_sha256),
        payment_method=expediente.payment_method,
        payment_reference=expediente.payment_reference,
        paid_at=shown(expediente.paid_at, zone),
        recibo_folio=_recibo_folio(session, expediente),
        referencia=referencia_for(expediente.folio) if total > 0 else None,
        fecha_limite_pago=add_business_days(captured.date(), _dias_para_pago(bundle), inhabiles),
        reprint_number=reprint_number,
        demo=state.demo,
        cancelled_reason=expediente.cancel_reason or None,
        cancelled_label=status_label(ExpedienteStatus.CANCELADO),
        archivo_folio=expediente.archivo_folio, archivo_fecha=expediente.archivo_fecha,
    )


def _recibo_folio(session: Session, expediente: Expediente) -> str | None:
    recibo = current_recibo(session, expediente.uuid)
    return recibo.folio if recibo is not None else None


def _dias_para_pago(bundle: Bundle | None) -> int:
    return (bundle.dias_para_pago if bundle else None) or DEFAULT_DIAS_PARA_PAGO


def variant_of(expediente: Expediente, doc: DocKind) -> Variant:
    """Which paper this doc is now: the recibo turns into a recibo de pago once paid."""
    if doc == "acuse":
        return "acuse"
    return "recibo_de_pago" if expediente.payment_method else "orden_de_pago"


def copies_printed(session: Session, folio: str, doc: DocKind,
                   variant: Variant | None = None) -> int:
    """How many copies of this document (in this variante, if given) already left the machine."""
    stored = AuditEntry.detail["variante"].as_string()
    query = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == PRINT_ACTION, AuditEntry.entity == folio,
        AuditEntry.detail["doc"].as_string() == doc)
    if variant == "orden_de_pago":  # entries from before variantes were all ordenes de pago
        query = query.where(or_(stored.is_(None), stored == variant))
    elif variant is not None:
        query = query.where(stored == variant)
    return int(session.scalar(query) or 0)


def render_document(ctx: AppContext, user: CurrentUser, folio: str, doc: str,
                    layout: str, *, electronic: bool = False) -> RenderedDocument:
    """Render without recording it: a preview carries the reprint number the next paper copy
    would; `electronic` renders the copy saved to a file ("COPIA ELECTRÓNICA", no number)."""
    require(user, Permission.PRINT)
    kind, geometry = _doc_kind(doc), get_layout(layout)
    with ctx.write() as session:
        variant = variant_of(_expediente(session, folio), kind)
        reprint = 0 if electronic else copies_printed(session, folio, kind, variant)
        data = replace(document_data_for(session, folio, reprint_number=reprint,
                                         credentials=CredentialStore(ctx.data_dir)),
                       electronic_copy=electronic)
    pdf = render_acuse(data, geometry.name) if kind == "acuse" else render_recibo(data,
                                                                                 geometry.name)
    return RenderedDocument(folio, kind, geometry.name, reprint, pdf, variant)


def record_copy(ctx: AppContext, user: CurrentUser, rendered: RenderedDocument,
                destinations: list[str]) -> None:
    """Audit one paper copy that reached a printer and count it on the expediente."""
    with ctx.write() as session:
        expediente = _expediente(session, rendered.folio)
        expediente.print_count = (expediente.print_count or 0) + 1
        append_audit(session, user.username, PRINT_ACTION, rendered.folio, {
            "doc": rendered.doc, "variante": rendered.variant, "layout": rendered.layout,
            "reimpresion": rendered.reprint_number, "destino": destinations})


def produce_document(ctx: AppContext, user: CurrentUser, folio: str, doc: str,
                     layout: str) -> bytes:
    """Render and record one paper copy that the caller hands to a printer itself."""
    rendered = render_document(ctx, user, folio, doc, layout)
    record_copy(ctx, user, rendered, ["papel"])
    return rendered.pdf


def save_document(ctx: AppContext, user: CurrentUser, folio: str, doc: str, layout: str,
                  path: Path) -> RenderedDocument:
    """Write the electronic copy to `path` and audit it; it never counts as a paper copy."""
    rendered = render_document(ctx, user, folio, doc, layout, electronic=True)
    try:
        path.write_bytes(rendered.pdf)
    except OSError as exc:
        raise VentanillaError(os_error_message(exc, f"el PDF «{path.name}»", writing=True)
                              + " El expediente quedó guardado.") from exc
    with ctx.write() as session:
        append_audit(session, user.username, SAVE_ACTION, rendered.folio, {
            "doc": rendered.doc, "variante": rendered.variant, "layout": rendered.layout,
            "archivo": str(path)})
    return rendered


def default_printer(ctx: AppContext) -> str | None:
    with ctx.read() as session:
        row = session.get(Setting, DEFAULT_PRINTER_SETTING)
        return row.value if row and row.value.strip() else None


def set_default_printer(ctx: AppContext, user: CurrentUser, printer: str) -> None:
    require(user, Permission.PRINT)
    with ctx.write() as session:
        row = session.get(Setting, DEFAULT_PRINTER_SETTING)
        if row is None:
            session.add(Setting(key=DEFAULT_PRINTER_SETTING, value=printer.strip()))
        else:
            row.value = printer.strip()
        append_audit(session, user.username, "impresora.predeterminada", "",
                     {"impresora": printer.strip()})


def _send(rendered: RenderedDocument, printer: str) -> str:
    title = f"{rendered.title} {rendered.folio}"
    try:
        return print_pdf(rendered.pdf, printer, title)
    except PrintFailed as exc:
        raise PrinterError(exc.message) from exc


def _no_printer() -> PrinterError:
    return PrinterError(PrintFailed("sin impresora", "no hay una impresora configurada; elija "
                                    "una en Configuración o indique --printer").message)


def print_document(ctx: AppContext, user: CurrentUser, folio: str, doc: str, layout: str,
                   printer: str | None = None) -> str:
    """Print one copy on `printer` (or the default printer); returns the job id."""
    rendered = render_document(ctx, user, folio, doc, layout)
    target = printer or default_printer(ctx)
    if not target:
        raise _no_printer()
    job = _send(rendered, target)
    record_copy(ctx, user, rendered, [target])
    return job


def print_command(ctx: AppContext, user: CurrentUser, folio: str, doc: str = "acuse",
                  layout: str = "carta", printer: str | None = None,
                  pdf_path: Path | None = None) -> tuple[int, str]:
    """CLI `print FOLIO [--doc] [--layout] [--printer] [--pdf FILE]`: (exit code, Spanish text).

    With --pdf the electronic copy is saved (it does not count); with a printer (given or the
    default, when --pdf is not given) one paper copy is printed and counted.
    """
    done: list[str] = []
    printed: RenderedDocument | None = None
    saved: RenderedDocument | None = None
    try:
        target = printer or (None if pdf_path else default_printer(ctx))
        if target is None and pdf_path is None:
            render_document(ctx, user, folio, doc, layout)  # unknown folio or doc: exit 2
            return 2, (f"{_no_printer().message} Fije una con `python main.py printer NOMBRE` "
                       "o guarde el documento con --pdf ARCHIVO.")
        if pdf_path is not None:
            saved = save_document(ctx, user, folio, doc, layout, pdf_path)
            done.append(f"copia electrónica guardada en {pdf_path}")
        if target is not None:
            printed = render_document(ctx, user, folio, doc, layout)
            job = _send(printed, target)
            record_copy(ctx, user, printed, [target])
            done.append(f"enviado a {target} (trabajo {job})")
    except NotFound as exc:
        return 2, exc.message
    except VentanillaError as exc:
        return 1, exc.message
    except OSError as exc:
        return 1, (os_error_message(exc, "el PDF", writing=True)
                   + " El expediente quedó guardado.")
    shown = printed or saved
    assert shown is not None  # a printer or a file was given
    copy = f" (REIMPRESIÓN {printed.reprint_number})" if printed and printed.reprint_number \
        else ""
    return 0, f"{shown.title} {folio}{copy}: " + "; ".join(done) + "."
