"""One vocabulary per state: the store's CHECK constraints are the enums, the store refuses a value
outside them, the 0008 rebuild keeps rows, mutation ids and search, and the renamed code still
speaks the deployed wire (an `anulado` pulled reads "Cancelado"; a cancellation is sent as the
same `expediente.void` bytes as before)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from enum import StrEnum

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from desktop.access.permissions import CurrentUser
from desktop.context import AppContext
from desktop.records.expedientes import cancel_folio, page_expedientes
from desktop.states import (
    EnvioState,
    ExpedienteStatus,
    OutboxState,
    Role,
    envio_label,
    status_label,
)
from localdb.migrate import downgrade, upgrade_to_head
from localdb.models import Expediente, OutboxEntry
from sync.pull import UnusableChange, apply_change
from tests.sync.machines import capture_many
from wire.canonical import canonical_json, payload_sha256
from wire.payloads import VoidPayload
from wire.protocol import Change

SUPERVISOR = CurrentUser("supervisor", "Jesús Ramón Encinas (DEMO)", Role.SUPERVISOR)
STATE_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("expedientes", "status"): ExpedienteStatus,
    ("expedientes", "sync_state"): EnvioState,
    ("outbox", "state"): OutboxState,
    ("users", "role"): Role,
}


def _check_values(ctx: AppContext, table: str, column: str) -> set[str]:
    with ctx.read() as s:
        ddl = s.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                       {"t": table})
    match = re.search(rf"CONSTRAINT ck_{table}_{column} CHECK \({column} IN \(([^)]*)\)\)", ddl)
    assert match, f"no CHECK on {table}.{column}: {ddl}"
    return {v.strip().strip("'") for v in match.group(1).split(",")}


@pytest.mark.parametrize(("table", "column"), list(STATE_COLUMNS))
def test_each_state_column_checks_exactly_its_enum(demo_ctx: AppContext, table: str,
                                                   column: str) -> None:
    assert _check_values(demo_ctx, table, column) == {m.value for m in STATE_COLUMNS[table,
                                                                                      column]}


def test_the_store_refuses_a_status_outside_the_enum(demo_ctx: AppContext) -> None:
    uuid = capture_many(demo_ctx, 1)[0]
    with pytest.raises(IntegrityError, match="CHECK constraint failed"), demo_ctx.write() as s:
        # "cancelado" is the label's word, not the stored one: exactly the mix-up the CHECK stops
        s.execute(text("UPDATE expedientes SET status = 'cancelado' WHERE uuid = :u"), {"u": uuid})
    with pytest.raises(IntegrityError, match="CHECK constraint failed"), demo_ctx.write() as s:
        s.execute(text("UPDATE outbox SET state = 'sent'"))
    with demo_ctx.read() as s:
        assert s.get_one(Expediente, uuid).status is ExpedienteStatus.CAPTURADO


def test_upgrading_to_0008_keeps_rows_mutation_ids_triggers_and_search(
        demo_ctx: AppContext) -> None:
    capture_many(demo_ctx, 3, prefix="Rosalba")
    engine, db = demo_ctx.engine, demo_ctx.db_path
    downgrade(engine, "0006")
    with engine.begin() as conn:  # mutation ids 1..5 were handed out; the newest two are gone
        for _ in range(2):
            conn.exec_driver_sql(
                "INSERT INTO outbox(kind, entity_uuid, payload, sha256, state, attempts, "
                "created_at) VALUES ('expediente.otro', 'u', '{}', 'h', 'pending', 0, "
                "'2026-01-01')")
        conn.exec_driver_sql("DELETE FROM outbox WHERE mutation_id > 3")
        conn.exec_driver_sql("UPDATE expedientes SET sync_state = 'faltan_anexos'")
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
    with engine.connect() as conn:
        before = conn.exec_driver_sql(triggers).all()
    upgrade_to_head(engine, db, demo_ctx.keys.database)
    with engine.connect() as conn:
        assert set(before) <= set(conn.exec_driver_sql(triggers).all())  # later ones only add
    with demo_ctx.write() as s:
        assert {r.nombre for r in page_expedientes(s, "Rosalba")} == {
            f"Rosalba Número {i} Pérez" for i in range(3)}
        assert set(s.scalars(select(Expediente.sync_state))) == {EnvioState.FALTAN_ANEXOS}
        s.add(OutboxEntry(kind="expediente.otro", entity_uuid="u", payload="{}",
                          sha256="h", created_at=datetime(2026, 1, 1)))
        s.flush()
        assert max(s.scalars(select(OutboxEntry.mutation_id))) == 6  # never 4 again


def test_a_pulled_anulado_status_reads_cancelado(demo_ctx: AppContext) -> None:
    uuid = capture_many(demo_ctx, 1)[0]
    change = Change(version=7, kind="expediente.status", entity_uuid=uuid,
                    data={"status": "anulado", "note": "Duplicado en la oficina"})
    with demo_ctx.write() as s:
        apply_change(s, change)
    with demo_ctx.read() as s:
        row = page_expedientes(s, "")[0]
    assert row.status == ExpedienteStatus.CANCELADO
    assert status_label(row.status) == "Cancelado"


def test_a_pulled_status_this_release_does_not_know_is_refused(demo_ctx: AppContext) -> None:
    uuid = capture_many(demo_ctx, 1)[0]
    change = Change(version=8, kind="expediente.status", entity_uuid=uuid,
                    data={"status": "en_pago"})
    with pytest.raises(UnusableChange, match="estado «en_pago» desconocido"), \
            demo_ctx.write() as s:
        apply_change(s, change)


def test_confirmed_and_pending_have_their_own_words() -> None:
    assert envio_label(EnvioState.SINCRONIZADO) == "Confirmado"
    assert envio_label(EnvioState.PENDIENTE) == "Pendiente"
    assert envio_label(EnvioState.PENDIENTE, demo_office=True) == "Solo en este equipo"
    assert envio_label(EnvioState.FALTAN_ANEXOS) == "Faltan anexos"
    assert len({envio_label(s) for s in EnvioState}) == len(EnvioState)
    assert len({status_label(s) for s in ExpedienteStatus}) == len(ExpedienteStatus)


GOLDEN_VOID = VoidPayload(uuid="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                          reason="Capturado dos veces", voided_by="supervisor",
                          voided_at=datetime(2026, 3, 14, 9, 30, 5))


def test_a_cancellation_is_sent_with_the_bytes_deployed_platforms_expect(
        demo_ctx: AppContext) -> None:
    data = GOLDEN_VOID.model_dump(mode="json")
    assert canonical_json(data) == (
        b'{"reason":"Capturado dos veces","uuid":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",'
        b'"voided_at":"2026-03-14T09:30:05","voided_by":"supervisor"}')
    assert payload_sha256(data) == (
        "4fd9936ed2f3699133c97f187242bcc4d75e026dc6330e057a3beec66a3821d0")

    uuid = capture_many(demo_ctx, 1)[0]
    with demo_ctx.write() as s:  # as if enrolled and sent: the cancellation has to be sent too
        s.execute(update(Expediente).values(sync_state=EnvioState.SINCRONIZADO))
        folio = s.get_one(Expediente, uuid).folio
    cancel_folio(demo_ctx, SUPERVISOR, folio, "Capturado dos veces")
    with demo_ctx.read() as s:
        sent = s.scalars(select(OutboxEntry).where(OutboxEntry.kind == "expediente.void")).one()
    payload = json.loads(sent.payload)
    assert sorted(payload) == ["reason", "uuid", "voided_at", "voided_by"]
    assert (payload["uuid"], payload["voided_by"]) == (uuid, "supervisor")
    assert sent.payload.encode() == canonical_json(
        VoidPayload.model_validate(payload).model_dump(mode="json"))
