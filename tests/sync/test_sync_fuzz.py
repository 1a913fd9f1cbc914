"""Fuzzed platform answers (ARCHITECTURE §12): a pull page is either applied whole or refused with a
Spanish sync error and nothing written; no other exception ever reaches the engine."""

from __future__ import annotations

import json
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.context import AppContext
from localdb.models import Expediente, OutboxEntry, SyncState
from sync.errors import GarbageResponse, SyncError
from sync.http import parse_model
from sync.pull import apply_page
from tests.sync.machines import capture_many
from wire.protocol import PullResponse

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=8,
)


def _records(template: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly-valid ExpedientePayloads of 'another window', with one field possibly broken."""
    fields = st.sampled_from(sorted(template))
    broken = st.tuples(fields, JSON).map(lambda kv: {kv[0]: kv[1]})  # one field replaced
    nice = st.fixed_dictionaries({
        "uuid": st.uuids().map(str), "folio": st.text(min_size=1, max_size=20),
        "total": st.sampled_from(["10.00", "NaN", "Infinity", "-0.5", "abc", "1e9"]),
        "origin_machine": st.just("MOTRA"),
    })
    return st.tuples(nice, st.none() | st.none() | broken).map(
        lambda parts: {**template, **parts[0], **(parts[1] or {})})


def _changes(template: dict[str, Any], uuids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    status = st.fixed_dictionaries({
        "status": st.text(max_size=30), "note": st.none() | st.text(max_size=10),
        "official_folio": st.none() | st.text(max_size=70)})
    payment = st.fixed_dictionaries({
        "uuid": st.sampled_from(uuids) | st.uuids().map(str), "folio": st.text(max_size=70),
        "method": st.text(max_size=40), "reference": st.none() | st.text(max_size=70),
        "amount": st.text(max_size=30), "paid_by": st.text(max_size=70),
        "paid_at": st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=25)})
    data = {"expediente.status": status, "expediente.record": _records(template),
            "expediente.payment": payment, "expediente.otro": status}
    kinds = (["expediente.status"] * 4 + ["expediente.record"] * 4
             + ["expediente.payment"] * 3 + ["expediente.otro"])
    return st.sampled_from(kinds).flatmap(lambda kind: st.fixed_dictionaries({
        "version": st.integers(-3, 10**6), "kind": st.just(kind),
        "entity_uuid": st.sampled_from(uuids) | st.uuids().map(str),
        "data": st.one_of(data[kind], data[kind], data[kind], JSON),
    }))


def _pages(template: dict[str, Any], uuids: list[str]) -> st.SearchStrategy[Any]:
    page = st.fixed_dictionaries({
        "changes": st.lists(_changes(template, uuids), max_size=4),
        "next_cursor": st.integers(-5, 10**6), "has_more": st.booleans(),
        "epoch": st.just("e1"),
    })
    return st.one_of(page, page, page, page, page, JSON)


def _response(body: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(body).encode()
    return response


def _snapshot(ctx: AppContext) -> tuple[int, int, str]:
    with ctx.write() as session:
        state = session.get_one(SyncState, 1)
        count = session.scalar(select(func.count()).select_from(Expediente)) or 0
        statuses = json.dumps(sorted(tuple(row) for row in session.execute(
            select(Expediente.uuid, Expediente.status, Expediente.official_folio,
                   Expediente.payment_method, Expediente.paid_at))), default=str)
        return state.pull_cursor, count, statuses


def test_fuzzed_pull_pages_apply_whole_or_write_nothing(demo_ctx: AppContext) -> None:
    uuids = capture_many(demo_ctx, 2)
    with demo_ctx.write() as session:
        template = json.loads(session.scalars(select(OutboxEntry.payload)).first() or "{}")
        session.get_one(SyncState, 1).epoch = "e1"

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(body=_pages(template, uuids))
    def check(body: Any) -> None:
        try:
            page = parse_model(_response(body), PullResponse)
        except GarbageResponse as refused:
            assert "no se reconoce" in refused.message
            return
        before = _snapshot(demo_ctx)
        try:
            with demo_ctx.write() as session:
                cursor = session.get_one(SyncState, 1).pull_cursor
                apply_page(session, page, cursor, "e1")
        except SyncError as refused:
            assert refused.message
            assert _snapshot(demo_ctx) == before
        else:
            assert _snapshot(demo_ctx)[0] == page.next_cursor

    check()


def test_a_change_kind_this_window_does_not_know_is_skipped_not_fatal(
        demo_ctx: AppContext) -> None:
    [uuid] = capture_many(demo_ctx, 1)
    with demo_ctx.write() as session:
        session.get_one(SyncState, 1).epoch = "e1"
    page = parse_model(_response({
        "changes": [
            {"version": 1, "kind": "expediente.cita", "entity_uuid": uuid,
             "data": {"fecha": "2026-12-01"}},
            {"version": 2, "kind": "expediente.status", "entity_uuid": uuid,
             "data": {"status": "resuelto", "note": "Listo", "official_folio": None}},
        ],
        "next_cursor": 2, "has_more": False, "epoch": "e1"}), PullResponse)
    with demo_ctx.write() as session:
        assert apply_page(session, page, 0, "e1") == 2
    with demo_ctx.write() as session:
        assert session.get_one(SyncState, 1).pull_cursor == 2
        assert session.get_one(Expediente, uuid).status == "resuelto"
