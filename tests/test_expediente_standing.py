"""An expediente's standing for its detail (cancellation: reason, who, when; the platform's
rejections) and the payment state the list page reads in the same query."""

from __future__ import annotations

from sqlalchemy import select, update

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio, page_expedientes
from desktop.records.payments import register_payment
from desktop.records.standing import Cancellation, Rejection, expediente_standing
from localdb.models import Expediente, OutboxEntry
from tests.cajas import ensure_open_caja
from tests.sync.machines import capture_many

SUPERVISOR = CurrentUser("supervisor", "Jorge Ramírez (DEMO)", Role.SUPERVISOR)


def _folios(ctx: AppContext, count: int) -> list[str]:
    uuids = capture_many(ctx, count)
    with ctx.write() as s:
        by_uuid = dict(s.execute(select(Expediente.uuid, Expediente.folio)).tuples().all())
    return [by_uuid[u] for u in uuids]


def test_a_cancellation_reads_its_reason_author_and_time(demo_ctx: AppContext) -> None:
    folio, other = _folios(demo_ctx, 2)
    cancel_folio(demo_ctx, SUPERVISOR, folio, "  Capturado dos veces ")
    with demo_ctx.write() as s:
        standing = expediente_standing(s, folio)
        untouched = expediente_standing(s, other)
    assert standing.status == "anulado" and standing.cancellation is not None
    assert standing.cancellation.reason == "Capturado dos veces"
    assert standing.cancellation.by == "Jesús Ramón Encinas (DEMO)"  # the users table's full name
    assert standing.cancellation.at is not None
    assert standing.rejections == () and not standing.rejected
    assert untouched.cancellation is None


def test_a_cancellation_from_the_platform_has_its_note_as_reason(demo_ctx: AppContext) -> None:
    [folio] = _folios(demo_ctx, 1)
    with demo_ctx.write() as s:  # what a pulled expediente.status change leaves
        s.execute(update(Expediente).where(Expediente.folio == folio)
                  .values(status="anulado", status_note="Duplicado en la oficina"))
    with demo_ctx.write() as s:
        assert expediente_standing(s, folio).cancellation == Cancellation("Duplicado en la oficina")


def test_rejections_carry_the_platforms_reason_newest_first(demo_ctx: AppContext) -> None:
    [folio] = _folios(demo_ctx, 1)
    ensure_open_caja(demo_ctx)
    register_payment(demo_ctx, SUPERVISOR, folio, "efectivo")
    with demo_ctx.write() as s:
        uuid = s.scalars(select(Expediente.uuid).where(Expediente.folio == folio)).one()
        s.execute(update(OutboxEntry).where(OutboxEntry.entity_uuid == uuid)
                  .values(state="rejected", last_error="expediente desconocido en la oficina"))
        s.execute(update(Expediente).where(Expediente.uuid == uuid)
                  .values(sync_state="rechazado"))
    with demo_ctx.write() as s:
        standing = expediente_standing(s, folio)
    assert standing.rejected
    assert standing.rejections == (
        Rejection("expediente.payment", "expediente desconocido en la oficina"),
        Rejection("expediente.create", "expediente desconocido en la oficina"))


def test_the_list_page_reads_the_payment(demo_ctx: AppContext) -> None:
    paid, unpaid = _folios(demo_ctx, 2)
    ensure_open_caja(demo_ctx)
    info = register_payment(demo_ctx, SUPERVISOR, paid, "tarjeta")
    with demo_ctx.write() as s:
        rows = {r.folio: r for r in page_expedientes(s)}
    assert rows[paid].paid and rows[paid].paid_at == info.paid_at
    assert rows[paid].payment_method == "tarjeta"
    assert not rows[unpaid].paid and rows[unpaid].payment_method is None
