"""Acuse de recibo: what the citizen takes home as proof that the trámite was received."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from formatting import format_archivo_origen, format_date_long, format_plazo
from printing.blocks import (
    fields,
    folio_block,
    letterhead,
    marks,
    privacy_notice,
    section,
    text,
    verification,
)
from printing.document_data import DocumentData, RequisitoLine
from printing.layouts import Layout, LayoutName, get_layout
from printing.pages import build_pdf
from printing.styles import Styles, build_styles

TITLE = "Acuse de recibo"


def render_acuse(data: DocumentData, layout: LayoutName = "carta") -> bytes:
    """The acuse as PDF bytes, on letter paper or as an 80 mm ticket."""
    geometry = get_layout(layout)
    st = build_styles(geometry)
    story: list[Flowable] = [
        *letterhead(data, geometry, st, TITLE),
        *folio_block(data, geometry, st),
        *marks(data, geometry, st),
        *section("Trámite", geometry, st),
        *fields(_tramite_rows(data), geometry, st),
        *section("Solicitante", geometry, st),
        *fields(_solicitante_rows(data), geometry, st),
        *_requisitos(data, geometry, st),
        *verification(data, geometry, st, _received_by(data, geometry, st)),
        *privacy_notice(data, geometry, st),
    ]
    return build_pdf(story, geometry, data, TITLE)


def _tramite_rows(data: DocumentData) -> list[tuple[str, str]]:
    rows = [
        ("Trámite", f"<b>{text(data.tramite_nombre)}</b>"),
        ("Homoclave", text(data.homoclave)),
        ("Dependencia", text(data.dependencia)),
        ("Plazo de resolución", f"<b>{format_plazo(data.plazo_dias)}</b>"),
    ]
    if data.fecha_compromiso is not None:
        rows.append(("Fecha compromiso", f"<b>{format_date_long(data.fecha_compromiso)}</b>"))
    if data.archivo_folio and data.archivo_fecha:
        rows.append(("Origen", text(format_archivo_origen(data.archivo_folio,
                                                         data.archivo_fecha))))
    return rows


def _solicitante_rows(data: DocumentData) -> list[tuple[str, str]]:
    rows = [("Nombre", f"<b>{text(data.solicitante_nombre)}</b>")]
    if data.solicitante_curp:
        rows.append(("CURP", text(data.solicitante_curp)))
    if data.solicitante_rfc:
        rows.append(("RFC", text(data.solicitante_rfc)))
    return rows


def _requisitos(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    recibidos = [r for r in data.requisitos if r.recibido]
    pendientes = [r for r in data.requisitos if not r.recibido]
    story: list[Flowable] = []
    if recibidos:
        story += section(f"Requisitos recibidos ({len(recibidos)})", layout, st)
        story.append(_requisito_list(recibidos, layout, st))
    if pendientes:
        story += section(f"Requisitos pendientes ({len(pendientes)})", layout, st)
        story.append(_requisito_list(pendientes, layout, st))
    return story


def _requisito_list(items: list[RequisitoLine], layout: Layout, st: Styles) -> Table:
    rows = []
    for number, item in enumerate(items, start=1):
        cell: list[Flowable] = [Paragraph(text(item.descripcion), st.body)]
        if item.nota:
            cell.append(Paragraph(f"Nota: {text(item.nota)}", st.small))
        rows.append([Paragraph(f"{number}.", st.body), cell])
    number_w = 5 * mm if layout.is_ticket else 7 * mm
    table = Table(rows, colWidths=[number_w, layout.frame_width - number_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.9 * mm),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, st.palette.rule),
    ]))
    return table


def _received_by(data: DocumentData, layout: Layout, st: Styles) -> list[Flowable]:
    """Who received the trámite, with a signature line on letter paper."""
    who = [Paragraph("RECIBIÓ", st.label),
           Paragraph(f"<b>{text(data.funcionario)}</b>", st.body),
           Paragraph(f"Ventanilla {text(data.ventanilla)} · {text(data.oficina_nombre)}", st.small)]
    if layout.is_ticket:
        return [Spacer(1, 2 * mm), *who]
    return [Spacer(1, 12 * mm), Paragraph("_" * 42, st.body), *who]
