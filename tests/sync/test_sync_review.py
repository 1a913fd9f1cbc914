"""A supervisor's review (validar / devolver) at one window reaches the real central exactly once,
and the operador's window of the same office sees it — status, note, who and when — after pull:
in its list, in the detail and in the devueltos count at login."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from central.admin import set_status
from central.models import Change, MutationRecord
from central.models import Expediente as CentralExpediente
from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.records.expedientes import count_returned, page_expedientes
from desktop.records.review import REVIEW_KIND, return_expediente, validate_expediente
from desktop.records.review_queue import QueueFilter, read_queue_page
from desktop.records.standing import expediente_standing
from desktop.states import status_label
from localdb.models import Expediente, User
from sync.engine import SyncEngine
from sync.run_steps import ONE_ATTEMPT
from tests.sync.central_server import CentralServer
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machines import OPERADOR, capture_many, outbox_states, point_to

SUPERVISOR = CurrentUser("supervisor", "Jorge Armando Ruiz", Role.SUPERVISOR)
NOTE = "Falta la copia legible de la identificación oficial."


def _folio(ctx: AppContext, uuid: str) -> str:
    with ctx.read() as session:
        return session.get_one(Expediente, uuid).folio


def _local(ctx: AppContext, uuid: str) -> tuple[object, ...]:
    with ctx.read() as session:
        row = session.get_one(Expediente, uuid)
        return row.status, row.status_note, row.status_by, row.status_at


def _central(central: CentralServer, uuid: str) -> tuple[object, ...]:
    with central.db.read() as session:
        row = session.get_one(CentralExpediente, uuid)
        records = session.scalar(select(func.count()).select_from(MutationRecord).where(
            MutationRecord.kind == REVIEW_KIND, MutationRecord.entity_uuid == uuid))
        changes = session.scalar(select(func.count()).select_from(Change).where(
            Change.kind == "expediente.status", Change.entity_uuid == uuid))
        return row.status, row.note, row.status_by, records, changes


def test_devolucion_at_one_window_reaches_the_operadors_window(
        window: AppContext, other_window: AppContext, central: CentralServer) -> None:
    [uuid] = capture_many(other_window, 1)  # the operador captures at V02
    assert SyncEngine(other_window).run_once(force=True).ok
    assert SyncEngine(window).run_once(force=True).ok  # the supervisor's V01 pulls the record
    folio = _folio(window, uuid)
    # ...and finds it in the review queue, as one of V02's, por revisar.
    queue = read_queue_page(window, SUPERVISOR, QueueFilter(group="por_revisar",
                                                            ventanilla="V02"), 0, 10)
    assert [(row.folio, row.ventanilla, row.operador) for row in queue] == [
        (folio, "V02", OPERADOR.username)]

    return_expediente(window, SUPERVISOR, folio, NOTE)
    status, note, by, at = _local(window, uuid)
    assert (status, note, by) == ("devuelto", NOTE, SUPERVISOR.username)
    assert isinstance(at, datetime)
    assert SyncEngine(window).run_once(force=True).ok
    assert _central(central, uuid) == ("devuelto", NOTE, SUPERVISOR.username, 1, 1)

    report = SyncEngine(other_window).run_once(force=True)

    assert report.ok and report.pulled == 1
    assert _local(other_window, uuid) == ("devuelto", NOTE, SUPERVISOR.username, at)
    assert outbox_states(other_window) == {"acked": 1}  # a pulled status is not pushed back
    # What the operador sees at V02: the list's row, the detail's decision, the count at login.
    with other_window.read() as session:
        [row] = page_expedientes(session, folio)
        decision = expediente_standing(session, folio).decision
        returned = count_returned(session, OPERADOR.username)
        known_as = session.get_one(User, SUPERVISOR.username).full_name  # as V02 knows them
    assert (row.folio, status_label(row.status)) == (folio, "Devuelto")
    assert decision is not None
    assert (decision.status, decision.note, decision.by) == ("devuelto", NOTE, known_as)
    assert decision.at is not None and decision.at.astimezone(UTC).replace(tzinfo=None) == at
    assert decision.at.utcoffset() == timedelta(hours=-7)  # shown on Hermosillo's clock
    assert returned == 1


def test_validated_then_platform_resolution_reaches_the_window(
        window: AppContext, central: CentralServer) -> None:
    [uuid] = capture_many(window, 1)
    validate_expediente(window, SUPERVISOR, _folio(window, uuid))
    assert SyncEngine(window).run_once(force=True).ok
    assert _central(central, uuid)[:3] == ("validado", None, SUPERVISOR.username)

    set_status(central.db, _folio(window, uuid), "resuelto", "Licencia autorizada", "LIC-77")
    assert SyncEngine(window).run_once(force=True).ok

    status, note, by, at = _local(window, uuid)
    assert (status, note, by) == ("resuelto", "Licencia autorizada", None)  # the platform's
    assert isinstance(at, datetime)  # when this window learned of it


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    fault_proxy = FaultProxy(central.port)
    yield fault_proxy
    fault_proxy.close()


def test_lost_answer_to_a_review_is_applied_once(
        window: AppContext, other_window: AppContext, central: CentralServer,
        proxy: FaultProxy) -> None:
    [uuid] = capture_many(window, 1)
    assert SyncEngine(window).run_once(force=True).ok
    return_expediente(window, SUPERVISOR, _folio(window, uuid), NOTE)
    point_to(window, proxy.url)
    proxy.arm("drop_response")
    engine = SyncEngine(window, retry=ONE_ATTEMPT)  # the next run, not this one, retries
    assert not engine.run_once(force=True).ok and proxy.faults_fired == 1
    assert _central(central, uuid)[-2:] == (1, 1)  # the platform did commit
    assert outbox_states(window) == {"acked": 1, "pending": 1}

    report = engine.run_once(force=True)

    assert report.ok and report.acked == 1
    assert _central(central, uuid) == ("devuelto", NOTE, SUPERVISOR.username, 1, 1)
    assert outbox_states(window) == {"acked": 2}
    assert SyncEngine(other_window).run_once(force=True).ok
    assert _local(other_window, uuid)[:3] == ("devuelto", NOTE, SUPERVISOR.username)


def test_platform_refuses_a_review_of_an_expediente_it_cancelled(
        window: AppContext, central: CentralServer) -> None:
    [uuid] = capture_many(window, 1)
    folio = _folio(window, uuid)
    assert SyncEngine(window).run_once(force=True).ok
    set_status(central.db, folio, "anulado", "Cancelado en la dependencia")
    # The window has not pulled the cancellation yet: its devolución goes out and is refused.
    return_expediente(window, SUPERVISOR, folio, NOTE)

    report = SyncEngine(window).run_once(force=True)

    assert report.rejected == 1
    assert outbox_states(window) == {"acked": 1, "rejected": 1}
    assert _central(central, uuid)[:2] == ("anulado", "Cancelado en la dependencia")
    assert _local(window, uuid)[:2] == ("anulado", "Cancelado en la dependencia")  # pulled
