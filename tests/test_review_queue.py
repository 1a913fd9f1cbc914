"""The supervisor's review queue in SQL: the office's expedientes (captured here and pulled from
two other windows) filtered by state group, ventanilla, operador, dependencia and capture date,
paged without gaps or repeats, counted per state, the filters' choices read off the indexes, and
refused to an operador."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext
from desktop.errors import PermissionDenied
from desktop.records.review import return_expediente, validate_expediente
from desktop.records.review_queue import (
    QueueFilter,
    _base,
    _query,
    count_queue,
    counts_by_state,
    page_queue,
    queue_choices,
    read_queue_choices,
    read_queue_counts,
    read_queue_page,
)
from desktop.states import ExpedienteStatus
from localdb.models import Expediente
from tests.sync.machines import capture_many

USERS = {role: CurrentUser(role.value, f"Usuario {role.value}", role) for role in Role}
NOTE = "Falta la copia legible de la identificación oficial."
# Pulled from the office's other windows: (folio, operador, trámite, captured_at, status)
PULLED = (
    ("HMO-V02-2026-000001", "maria", "HMO-DUE-001", datetime(2026, 3, 10, 9, 0), "devuelto"),
    ("HMO-V02-2026-000002", "maria", "HMO-DUE-001", datetime(2026, 3, 11, 18, 30), "validado"),
    ("HMO-V02-2026-000003", "maria", "HMO-TM-001", datetime(2026, 3, 12, 8, 0), "capturado"),
    ("HMO-V03-2026-000001", "pedro", "HMO-TM-001", datetime(2026, 4, 1, 12, 0), "en_revision"),
    ("HMO-V03-2026-000002", "pedro", "HMO-TM-001", datetime(2026, 4, 2, 12, 0), "anulado"),
)


def _pull(session: Session, template: Expediente, folio: str, operador: str, homoclave: str,
          captured_at: datetime, status: str) -> None:
    """A record of another window of the office, as pull stores it."""
    session.add(Expediente(
        uuid=f"0190-{folio}", folio=folio, tramite_homoclave=homoclave, tramite_version=1,
        answers=template.answers, requisitos=template.requisitos, cobros=template.cobros,
        total_centavos=template.total_centavos, nombre=f"Solicitante {folio}",
        curp=template.curp, rfc=template.rfc, status=status, created_by=operador,
        captured_at=captured_at, origin_machine=f"maquina-{folio[4:7]}",
        content_sha256="0" * 64, sync_state="sincronizado"))


@pytest.fixture
def office_queue(demo_ctx: AppContext) -> dict[str, str]:
    """Folio -> status: three captured here (V01, by "operador", today), one of them devuelto and
    one validado; five pulled from V02 and V03."""
    uuids = capture_many(demo_ctx, 3)
    with demo_ctx.write() as s:
        local = [s.get_one(Expediente, uuid).folio for uuid in uuids]
        template = s.get_one(Expediente, uuids[0])
        for row in PULLED:
            _pull(s, template, *row)
    return_expediente(demo_ctx, USERS[Role.SUPERVISOR], local[0], NOTE)
    validate_expediente(demo_ctx, USERS[Role.SUPERVISOR], local[1])
    return {local[0]: "devuelto", local[1]: "validado", local[2]: "capturado",
            **{folio: status for folio, *_, status in PULLED}}


def _folios(ctx: AppContext, f: QueueFilter) -> list[str]:
    with ctx.read() as s:
        rows = page_queue(s, f, limit=100)
        assert count_queue(s, f) == len(rows)
        return [row.folio for row in rows]


def _where(queue: dict[str, str], *statuses: str) -> set[str]:
    return {folio for folio, status in queue.items() if status in statuses}


@pytest.mark.parametrize(("group", "statuses"), [
    ("por_revisar", ("capturado", "recibido", "en_revision")), ("devuelto", ("devuelto",)),
    ("validado", ("validado",)), ("anulado", ("anulado",)), ("resuelto", ("resuelto",)),
])
def test_each_state_group(demo_ctx: AppContext, office_queue: dict[str, str], group: str,
                          statuses: tuple[str, ...]) -> None:
    assert set(_folios(demo_ctx, QueueFilter(group=group))) == _where(office_queue, *statuses)


def test_by_ventanilla_operador_dependencia_and_dates(
        demo_ctx: AppContext, office_queue: dict[str, str]) -> None:
    local = {f for f in office_queue if f.startswith("HMO-V01-")}
    v02 = {f for f in office_queue if f.startswith("HMO-V02-")}
    assert set(_folios(demo_ctx, QueueFilter(ventanilla="V01"))) == local
    assert set(_folios(demo_ctx, QueueFilter(ventanilla="V02"))) == v02
    assert _folios(demo_ctx, QueueFilter(ventanilla="V0")) == []  # a code, not a prefix
    assert set(_folios(demo_ctx, QueueFilter(operador="operador"))) == local
    assert set(_folios(demo_ctx, QueueFilter(operador="pedro"))) == {
        "HMO-V03-2026-000001", "HMO-V03-2026-000002"}
    assert set(_folios(demo_ctx, QueueFilter(dependencia="DUE"))) == {
        "HMO-V02-2026-000001", "HMO-V02-2026-000002"}
    # Both ends inclusive, whatever the hour: 11/03 18:30 is in, 12/03 08:00 is out.
    assert set(_folios(demo_ctx, QueueFilter(desde=date(2026, 3, 11),
                                             hasta=date(2026, 3, 11)))) == {
        "HMO-V02-2026-000002"}
    assert set(_folios(demo_ctx, QueueFilter(desde=date(2026, 3, 12)))) == (
        local | {"HMO-V02-2026-000003", "HMO-V03-2026-000001", "HMO-V03-2026-000002"})
    assert set(_folios(demo_ctx, QueueFilter(hasta=date(2026, 3, 10)))) == {
        "HMO-V02-2026-000001"}
    together = QueueFilter(group="por_revisar", ventanilla="V02", operador="maria",
                           dependencia="TM", desde=date(2026, 3, 1), hasta=date(2026, 3, 31))
    assert _folios(demo_ctx, together) == ["HMO-V02-2026-000003"]
    assert _folios(demo_ctx, replace(together, operador="pedro")) == []
    assert _folios(demo_ctx, QueueFilter(search="Solicitante HMO-V03")) == [
        "HMO-V03-2026-000002", "HMO-V03-2026-000001"]


def test_counts_per_state_ignore_the_chosen_group_but_not_the_other_filters(
        demo_ctx: AppContext, office_queue: dict[str, str]) -> None:
    with demo_ctx.read() as s:
        everything = counts_by_state(s, QueueFilter())
        assert counts_by_state(s, QueueFilter(group="devuelto")) == everything
        v02 = counts_by_state(s, QueueFilter(group="validado", ventanilla="V02"))
    assert everything == {"por_revisar": 3, "devuelto": 2, "validado": 2, "rechazado": 0,
                          "resuelto": 0, "anulado": 1}
    assert sum(everything.values()) == len(office_queue)
    assert v02 == {"por_revisar": 1, "devuelto": 1, "validado": 1, "rechazado": 0,
                   "resuelto": 0, "anulado": 0}
    counts = read_queue_counts(demo_ctx, USERS[Role.SUPERVISOR], QueueFilter(operador="maria"))
    assert (counts.total, counts.by_state["devuelto"]) == (3, 1)


def test_pages_cover_the_queue_once_newest_first(
        demo_ctx: AppContext, office_queue: dict[str, str]) -> None:
    seen: list[str] = []
    with demo_ctx.read() as s:
        for offset in range(0, 10, 3):
            page = page_queue(s, QueueFilter(), offset=offset, limit=3)
            assert len(page) <= 3
            seen += [row.folio for row in page]
        newest_first = [row.captured_at for row in page_queue(s, QueueFilter(), limit=100)]
    assert sorted(seen) == sorted(office_queue) and len(seen) == len(set(seen))
    assert newest_first == sorted(newest_first, reverse=True)
    assert seen[-1] == "HMO-V02-2026-000001"  # the oldest


def test_rows_say_who_captured_them_and_where(
        demo_ctx: AppContext, office_queue: dict[str, str]) -> None:
    with demo_ctx.read() as s:
        [row] = page_queue(s, QueueFilter(ventanilla="V03", group="por_revisar"))
    assert (row.folio, row.ventanilla, row.operador, row.status) == (
        "HMO-V03-2026-000001", "V03", "pedro", ExpedienteStatus.EN_REVISION)


def test_choices_are_what_the_store_holds(demo_ctx: AppContext,
                                          office_queue: dict[str, str]) -> None:
    with demo_ctx.read() as s:
        choices = queue_choices(s)
    assert choices.ventanillas == ["V01", "V02", "V03"]
    assert choices.operadores == ["maria", "operador", "pedro"]
    assert ("DUE", "Desarrollo Urbano y Ecología") in choices.dependencias


def _plan(s: Session, f: QueueFilter) -> str:
    """SQLite's plan for the statement a page runs (filters and order)."""
    statement = _query(s, f, _base()).order_by(Expediente.captured_at.desc(),
                                               Expediente.uuid.desc())
    compiled = statement.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
    return " | ".join(str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_filters_read_their_indexes(demo_ctx: AppContext, office_queue: dict[str, str]) -> None:
    with demo_ctx.read() as s:
        assert "ix_expedientes_created_by_captured_at" in _plan(s, QueueFilter(operador="maria"))
        assert "ix_expedientes_status_captured_at" in _plan(s, QueueFilter(group="devuelto"))


@pytest.mark.parametrize("role", list(Role))
def test_only_who_reviews_reads_the_queue(demo_ctx: AppContext, office_queue: dict[str, str],
                                          role: Role) -> None:
    user = USERS[role]
    calls = (lambda: read_queue_page(demo_ctx, user, QueueFilter(), 0, 10),
             lambda: read_queue_counts(demo_ctx, user, QueueFilter()),
             lambda: read_queue_choices(demo_ctx, user))
    for call in calls:
        if role == Role.OPERADOR:
            with pytest.raises(PermissionDenied, match="Operador no tiene permiso para revisar "
                                                       "las colas"):
                call()
        else:
            assert call()
