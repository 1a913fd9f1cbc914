"""One pulled page applied set-based (ARCHITECTURE §7): a handful of statements, same outcome as
applying its changes one by one (sync.pull_apply).

The expedientes the page names are read in one query, its folios in another, the trámite versions
in a third; each change is then decided in memory, in version order, against what the store holds
plus what earlier changes of the page did (a status or payment for a record of the same page lands
on its new row). The new rows go in with one executemany, the updates with one per set of columns.
A change that cannot be applied is set aside with the same reason as before, and the later changes
of its expediente wait behind it. If a batched write still fails (a constraint the store enforces),
the savepoint is rolled back and the page is applied change by change, each in its own savepoint.
A page that cancels a recibo is applied change by change too (it can unpay what a payment of the
same page paid, so its order with them matters; such pages are rare).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from desktop.clock import office_zone
from localdb.bound_list import each
from localdb.models import Expediente, SyncState, Tramite, table_of
from sync.pull_apply import (
    MissingTramite,
    apply_change,
    parse_payment,
    parse_status,
    status_values,
)
from sync.pull_insert import insert_expedientes, with_every_column
from sync.pull_prepare import PreparedRecords, new_row
from sync.pull_records import check_office
from sync.set_aside import UNAPPLIABLE, WAITS_FOR_EARLIER, reason_of, try_apply
from wire.protocol import Change

log = logging.getLogger(__name__)

EXPEDIENTE_KINDS = ("expediente.record", "expediente.status", "expediente.payment")


@dataclass
class _Known:
    """An expediente as the store has it, or as the page left it so far."""

    paid: bool
    values: dict[str, Any]  # the new row's columns, or the updates of an existing one
    new: bool = False


@dataclass
class PagePlan:
    known: dict[str, _Known]
    folios: dict[str, str]  # folio → uuid, stored or inserted by the page
    tramites: set[tuple[str, int]]
    zone: str  # the office's time zone, for naive times of older windows
    oficina: str  # this window's office: a record of another is set aside
    prepared: dict[int, dict[str, Any]]  # new rows parsed before the transaction (by version)
    records: PreparedRecords  # gives back the data of a change that came without it
    one_by_one: list[Change] = field(default_factory=list)  # user changes (rare)
    aside: list[tuple[Change, str]] = field(default_factory=list)

    def inserts(self) -> list[dict[str, Any]]:
        return [k.values for k in self.known.values() if k.new]

    def updates(self) -> dict[tuple[str, ...], list[dict[str, Any]]]:
        """Existing rows' updates grouped by the columns they set (one executemany each)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for uuid, k in self.known.items():
            if not k.new and k.values:
                groups.setdefault(tuple(sorted(k.values)), []).append({"b_uuid": uuid, **k.values})
        return groups


def load_plan(session: Session, changes: list[Change],
              prepared: PreparedRecords | None = None) -> PagePlan:
    """The three reads the page needs: its expedientes, its records' folios, the trámites."""
    zone = office_zone(session)
    records = prepared if prepared is not None else PreparedRecords(zone)
    uuids = {c.entity_uuid for c in changes if c.kind in EXPEDIENTE_KINDS}
    folios = {records.folio(c) for c in changes if c.kind == "expediente.record"}
    known = {row.uuid: _Known(row.paid_at is not None, {}) for row in session.execute(
        select(Expediente.uuid, Expediente.paid_at).where(
            Expediente.uuid.in_(each(sorted(uuids)))))}
    by_folio = {row.folio: row.uuid for row in session.execute(
        select(Expediente.folio, Expediente.uuid).where(
            Expediente.folio.in_(each(sorted(folios)))))}
    tramites = {(row.homoclave, row.version) for row in session.execute(
        select(Tramite.homoclave, Tramite.version))} if folios else set()
    rows = records.rows if records.zone == zone else {}
    oficina = session.get_one(SyncState, 1).oficina
    return PagePlan(known, by_folio, tramites, zone, oficina, rows, records)


def _record(plan: PagePlan, change: Change) -> None:
    values = plan.prepared.get(change.version) or new_row(plan.records.full(change), plan.zone)
    uuid, folio = values["uuid"], values["folio"]
    check_office(change, folio, plan.oficina)
    if uuid in plan.known:
        return
    if plan.folios.get(folio) not in (None, uuid):
        log.error("record %s skipped: folio already used by another expediente", uuid)
        return
    if (values["tramite_homoclave"], values["tramite_version"]) not in plan.tramites:
        raise MissingTramite(values["tramite_homoclave"], values["tramite_version"])
    plan.known[uuid] = _Known(False, with_every_column(values), new=True)
    plan.folios[folio] = uuid


def _status(plan: PagePlan, change: Change) -> None:
    data = parse_status(change)
    row = plan.known.get(change.entity_uuid)
    if row is None:
        log.info("status change %d for an expediente not on this machine", change.version)
        return
    row.values.update(status_values(change, data, plan.zone))


def _payment(plan: PagePlan, change: Change) -> None:
    values = parse_payment(change, plan.zone)
    row = plan.known.get(change.entity_uuid)
    if row is None or row.paid:
        log.info("payment change %d skipped: expediente absent or already paid", change.version)
        return
    row.values.update(values)
    row.paid = True


_PLANNERS: dict[str, Callable[[PagePlan, Change], None]] = {
    "expediente.record": _record,
    "expediente.status": _status,
    "expediente.payment": _payment,
}


def plan_page(session: Session, changes: list[Change], blocked: set[str],
              prepared: PreparedRecords | None = None) -> PagePlan:
    """Decide every change of the page in memory; `blocked` grows with what is set aside."""
    plan = load_plan(session, changes, prepared)
    for change in changes:
        if change.entity_uuid in blocked:
            plan.aside.append((change, WAITS_FOR_EARLIER))
            continue
        planner = _PLANNERS.get(change.kind)
        if planner is None:
            plan.one_by_one.append(change)  # user.changed, or a kind apply_change skips
            continue
        try:
            planner(plan, change)
        except UNAPPLIABLE as exc:
            log.warning("change %d (%s) not applied: %s", change.version, change.kind,
                        type(exc).__name__)
            plan.aside.append((change, reason_of(exc)))
            blocked.add(change.entity_uuid)
    return plan


def write_plan(session: Session, plan: PagePlan) -> None:
    """The page's inserts (sync.pull_insert) and updates (Core executemany: the keys are column
    names), batched; raises what the store refuses."""
    table = table_of(Expediente)
    rows = plan.inserts()
    if rows:
        insert_expedientes(session, rows)
    by_uuid = update(table).where(table.c.uuid == bindparam("b_uuid"))
    for group in plan.updates().values():
        session.execute(by_uuid, group)


def apply_set_based(session: Session, changes: list[Change], blocked: set[str],
                    prepared: PreparedRecords | None = None) -> list[tuple[Change, str]] | None:
    """Apply the page; the changes to set aside with their reasons, or None when a batched
    write failed and nothing of the page was written (the caller goes one by one)."""
    if any(change.kind == "recibo.cancel" for change in changes):
        return None  # order-sensitive with the page's payments: change by change (rare)
    trial = set(blocked)
    plan = plan_page(session, changes, trial, prepared)
    try:
        with session.begin_nested():
            write_plan(session, plan)
    except UNAPPLIABLE as exc:
        log.warning("set-based page refused by the store (%s); applying change by change",
                    type(exc).__name__)
        return None
    blocked |= trial
    aside = list(plan.aside)
    for change in plan.one_by_one:
        reason = WAITS_FOR_EARLIER if change.entity_uuid in blocked else try_apply(
            session, change, apply_change)
        if reason is not None:
            aside.append((change, reason))
            blocked.add(change.entity_uuid)
    return aside
