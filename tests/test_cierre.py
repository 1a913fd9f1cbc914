"""Cierre del día on a real store: per window (this one and one pulled), captures by trámite,
cobros by concepto, cancelled folios; this window's unsent records and open caja are warned about,
naming the window, on screen (the data) and on paper (the PDF read back); supervisors only."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.access.permissions import CurrentUser, Role
from desktop.clock import office_today
from desktop.context import AppContext
from desktop.errors import PermissionDenied
from desktop.records.cierre import cierre_data, save_cierre_pdf
from desktop.records.corte import close_caja
from desktop.records.expedientes import cancel_folio
from desktop.records.payments import register_payment
from localdb.models import AuditEntry, Expediente, OutboxEntry
from localdb.states import EnvioState, OutboxState
from tests.cajas import ensure_open_caja
from tests.document_fixtures import pdf_text
from tests.sync.machines import capture_many

SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez", Role.SUPERVISOR)
OPERADOR = CurrentUser("operador", "Ana Lucía", Role.OPERADOR)


def _day(ctx: AppContext) -> list[str]:
    """Three captures here, not yet sent (one paid, one cancelled) and one pulled from V02."""
    uuids = capture_many(ctx, 3)
    with ctx.write() as session:
        rows = [session.get_one(Expediente, u) for u in uuids]
        pulled = {c.key: getattr(rows[0], c.key) for c in Expediente.__mapper__.column_attrs}
        pulled.update(uuid="0192f0c4-7d1e-7abc-8def-0123456789ab", folio="HMO-V02-2026-000007",
                      origin_machine="otra", sync_state=EnvioState.SINCRONIZADO)
        session.add(Expediente(**pulled))
        folios = [r.folio for r in rows]
    ensure_open_caja(ctx)
    register_payment(ctx, OPERADOR, folios[0], "efectivo")
    cancel_folio(ctx, SUPERVISOR, folios[1], "Captura duplicada")
    return folios


def test_cierre_per_window_with_warnings_on_screen_and_paper(demo_ctx: AppContext) -> None:
    folios = _day(demo_ctx)
    data = cierre_data(demo_ctx, SUPERVISOR, office_today(demo_ctx))
    by_name = {v.ventanilla: v for v in data.ventanillas}
    assert set(by_name) == {"V01", "V02"}
    v01, v02 = by_name["V01"], by_name["V02"]
    assert sum(n for _t, n in v01.captures) == 3 and sum(n for _t, n in v02.captures) == 1
    with demo_ctx.read() as session:
        paid = session.scalars(select(Expediente).where(Expediente.folio == folios[0])).one()
        expected = {(c["concepto"], c["cri"]): Decimal(c["importe"]) for c in paid.cobros}
    assert {(c, cri): v for c, cri, v in v01.cobros} == expected and v02.cobros == []
    assert v01.cancelled == [(folios[1], "Captura duplicada")]
    assert (v01.pending, v01.rejected, len(v01.open_cajas)) == (3, 0, 1)
    assert not v02.known and v02.open_cajas == []
    assert [w.split(":")[0] for w in data.warnings] == ["Ventanilla V01", "Ventanilla V01"]
    assert "3 registro(s) sin enviar" in data.warnings[0]
    assert "la caja sigue abierta" in data.warnings[1]

    path = save_cierre_pdf(demo_ctx, SUPERVISOR, data)
    text = " ".join(pdf_text(path.read_bytes()).split())
    assert "Cierre del día" in text and "Ventanilla V01" in text and "Ventanilla V02" in text
    assert "Ventanilla V01: 3 registro(s) sin enviar" in text
    assert "Ventanilla V01: la caja sigue abierta" in text
    assert f"{folios[1]} Captura duplicada" in text
    with demo_ctx.read() as session:
        assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())
                               ).first() == "oficina.cierre_del_dia"


def test_no_warning_once_the_caja_is_closed_and_everything_sent(demo_ctx: AppContext) -> None:
    _day(demo_ctx)
    close_caja(demo_ctx, OPERADOR, {"billete_1000": 1}, SUPERVISOR)
    with demo_ctx.write() as session:  # as after a sync: everything acknowledged
        for row in session.scalars(select(Expediente)):
            row.sync_state = EnvioState.SINCRONIZADO
        for entry in session.scalars(select(OutboxEntry)):
            entry.state = OutboxState.ACKED
    data = cierre_data(demo_ctx, SUPERVISOR, office_today(demo_ctx))
    assert data.warnings == []
    assert "DEMOSTRACIÓN" in pdf_text(save_cierre_pdf(demo_ctx, SUPERVISOR,
                                                      replace(data, demo=True)).read_bytes())


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_a_supervisor_or_admin_closes_the_day(demo_ctx: AppContext, role: Role) -> None:
    user = CurrentUser(role.value, role.value, role)
    if role == Role.OPERADOR:
        with pytest.raises(PermissionDenied, match="hacer el cierre del día"):
            cierre_data(demo_ctx, user, office_today(demo_ctx))
    else:
        assert cierre_data(demo_ctx, user, office_today(demo_ctx)).warnings == []
