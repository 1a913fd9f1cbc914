"""Answers from the platform as an attacker or a broken world would give them: a replayed or
older pull page, a cursor sent back, a page larger than asked for, a malformed enrollment. Each
is refused with the Spanish sync error and changes nothing in the store. Real central on
loopback for the state before; a tiny HTTP server for the bad answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from central import admin
from central.changes import PendingChange, append_changes
from central.models import Change as CentralChange
from desktop.access.auth import login
from desktop.access.credentials import CredentialStore
from desktop.context import AppContext
from desktop.demo import DEMO_BUNDLE_PATH
from desktop.errors import AuthError, VentanillaError
from localdb.models import Expediente, OutboxEntry, User
from sync import http
from sync.engine import SyncEngine
from sync.enroll import enroll
from sync.errors import GarbageResponse
from sync.http import PlatformClient
from sync.machine_token import TOKEN_NAME
from sync.platform_login import change_password, platform_check
from sync.pull import pull_changes
from sync.push import push_pending
from sync.status import sync_status
from tests.demo_office import open_demo_office
from tests.sync.central_server import OFFICE, CentralServer
from tests.sync.fake_platform import Answer, FakePlatform, busy
from tests.sync.machines import ADMIN, capture_many, outbox_states, point_to, sync_state

JSON = {"Content-Type": "application/json"}


def _changes_on_central(central: CentralServer) -> list[dict[str, Any]]:
    with central.db.read() as session:
        return [{"version": c.version, "kind": c.kind, "entity_uuid": c.entity_uuid,
                 "data": c.data}
                for c in session.scalars(select(CentralChange).order_by(CentralChange.version))]


@pytest.fixture
def reviewed(window: AppContext, other_window: AppContext,
             central: CentralServer) -> tuple[str, list[dict[str, Any]]]:
    """A record of the other window, pulled here and moved en_revision then resuelto on the
    platform; returns its uuid and every change the platform sent."""
    [uuid] = capture_many(other_window, 1)
    assert SyncEngine(other_window).run_once(force=True).ok
    with other_window.read() as session:
        folio = session.get_one(Expediente, uuid).folio
    admin.set_status(central.db, folio, "en_revision", "Revisando")
    assert SyncEngine(window).run_once(force=True).ok
    admin.set_status(central.db, folio, "resuelto", "Licencia autorizada", "LIC-1")
    assert SyncEngine(window).run_once(force=True).ok
    with window.read() as session:
        assert session.get_one(Expediente, uuid).status == "resuelto"
    return uuid, _changes_on_central(central)


@pytest.fixture
def liar() -> Iterator[FakePlatform]:
    platform = FakePlatform(lambda _m, _p: (500, JSON, b"{}"))
    yield platform
    platform.close()


def _answer_pulls_with(platform: FakePlatform, body: dict[str, Any]) -> None:
    def answer(_method: str, path: str) -> Answer:
        if path.startswith("/v1/sync/pull"):
            return 200, JSON, json.dumps(body).encode()
        return 404, JSON, b'{"detail": "no"}'
    platform.responder = answer


def _pull_from(window: AppContext, platform: FakePlatform, page_size: int = 1000) -> None:
    with PlatformClient(platform.url, "token") as client:
        pull_changes(window, client, page_size=page_size)


def _bad_pages(changes: list[dict[str, Any]], cursor: int, epoch: str) -> dict[str, Any]:
    status_changes = [c for c in changes if c["kind"] == "expediente.status"]
    older = status_changes[0]  # en_revision, already applied and overtaken by resuelto
    return {
        "a replayed older change": {"changes": [older], "next_cursor": cursor,
                                    "has_more": False, "epoch": epoch},
        "the cursor sent back": {"changes": [], "next_cursor": 0, "has_more": False,
                                 "epoch": epoch},
        "changes out of order": {
            "changes": [{**older, "version": cursor + 2},
                        {**status_changes[1], "version": cursor + 1}],
            "next_cursor": cursor + 2, "has_more": False, "epoch": epoch},
        "a change past the page's cursor": {
            "changes": [{**older, "version": cursor + 5}], "next_cursor": cursor + 1,
            "has_more": False, "epoch": epoch},
        "a cursor past any integer": {"changes": [], "next_cursor": 10**30, "has_more": False,
                                      "epoch": epoch},
        "more changes than asked for": {
            "changes": [{**older, "version": cursor + n} for n in (1, 2, 3)],
            "next_cursor": cursor + 3, "has_more": False, "epoch": epoch},
    }


@pytest.mark.parametrize("case", [
    "a replayed older change", "the cursor sent back", "changes out of order",
    "a change past the page's cursor", "more changes than asked for",
    "a cursor past any integer"])
def test_a_pull_page_the_platform_could_not_have_sent_changes_nothing(
        window: AppContext, reviewed: tuple[str, list[dict[str, Any]]], liar: FakePlatform,
        case: str) -> None:
    uuid, changes = reviewed
    state = sync_state(window)
    cursor, epoch = state.pull_cursor, state.epoch
    assert epoch
    _answer_pulls_with(liar, _bad_pages(changes, cursor, epoch)[case])

    with pytest.raises(GarbageResponse) as refused:
        _pull_from(window, liar, page_size=2)

    assert "no se reconoce" in refused.value.message
    assert sync_state(window).pull_cursor == cursor
    with window.read() as session:
        row = session.get_one(Expediente, uuid)
        assert (row.status, row.status_note, row.official_folio) == (
            "resuelto", "Licencia autorizada", "LIC-1")


def _enroll_answer(**broken: str) -> dict[str, str]:
    key = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return {"machine_id": "M0A1B2C3D4E5F", "machine_token": "t" * 43, "oficina": "HMO",
            "oficina_nombre": "Oficina Centro", "ventanilla": "V01", "municipio": "Hermosillo",
            "platform_public_key": key, "epoch": "0123456789abcdef", **broken}


RSA_PEM = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key() \
    .public_bytes(serialization.Encoding.PEM,
                  serialization.PublicFormat.SubjectPublicKeyInfo).decode()

ENROLL_ANSWERS = {
    "a platform key that is no key": {"platform_public_key": "-----BEGIN PUBLIC KEY-----\nAA=="},
    "a platform key that is not Ed25519": {"platform_public_key": RSA_PEM},
    "an empty office": {"oficina": ""},
    "a window with a slash": {"ventanilla": "V01/../x"},
    "a token that breaks a header": {"machine_token": "t" * 40 + "\r\nX-Evil: 1"},
    "an empty epoch": {"epoch": " "},
}


@pytest.mark.parametrize("case", sorted(ENROLL_ANSWERS))
def test_an_enrollment_answer_that_cannot_be_kept_changes_nothing(
        tmp_path: Path, liar: FakePlatform, case: str) -> None:
    body = json.dumps(_enroll_answer(**ENROLL_ANSWERS[case])).encode()
    liar.responder = lambda _m, path: ((200, JSON, body) if path.startswith("/v1/enroll")
                                       else (404, JSON, b'{"detail": "no"}'))
    ctx = open_demo_office(tmp_path / "nuevo")
    try:
        with pytest.raises(GarbageResponse) as refused:
            enroll(ctx, ADMIN, liar.url, "ABCD-EFGH-JKLM")
        assert "no se reconoce" in refused.value.message
        state = sync_state(ctx)
        assert state.demo and state.server_url is None and state.platform_public_key != \
            ENROLL_ANSWERS[case].get("platform_public_key")
        assert CredentialStore(ctx.data_dir).get(TOKEN_NAME) is None
        assert liar.count("GET /v1/config") == 0
    finally:
        ctx.close()


def test_a_well_formed_enrollment_answer_is_kept(tmp_path: Path, liar: FakePlatform) -> None:
    body = json.dumps(_enroll_answer()).encode()
    liar.responder = lambda _m, path: ((200, JSON, body) if path.startswith("/v1/enroll")
                                       else (404, JSON, b'{"detail": "no"}'))
    ctx = open_demo_office(tmp_path / "nuevo")
    try:
        result = enroll(ctx, ADMIN, liar.url, "ABCD-EFGH-JKLM")
        assert (result.oficina, result.ventanilla) == ("HMO", "V01")
        assert not sync_state(ctx).demo
    finally:
        ctx.close()


class _Endless:
    """A platform whose answer never ends: JSON whitespace, up to `cap` bytes, counted."""

    def __init__(self, cap: int) -> None:
        self.sent = 0
        endless = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b" " * 65536
                try:
                    while endless.sent < cap:
                        self.wfile.write(chunk)
                        endless.sent += len(chunk)
                except OSError:
                    return

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def test_an_answer_that_never_ends_is_refused_once_past_the_limit(
        window: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 1_000_000, raising=False)
    endless = _Endless(cap=60_000_000)
    before = sync_state(window).pull_cursor
    try:
        with pytest.raises(GarbageResponse) as refused, \
                PlatformClient(endless.url, "token") as client:
            pull_changes(window, client)
    finally:
        endless.close()
    assert "no se reconoce" in refused.value.message
    assert endless.sent < 10_000_000  # it stopped reading, not parsed 60 MB
    assert sync_state(window).pull_cursor == before


@pytest.mark.parametrize("many", [False, True], ids=["set-based", "change by change"])
def test_a_record_of_another_office_is_set_aside_and_the_rest_applied(
        window: AppContext, other_window: AppContext, central: CentralServer,
        many: bool) -> None:
    [uuid] = capture_many(other_window, 1)
    assert SyncEngine(other_window).run_once(force=True).ok
    with central.db.read() as session:
        record = dict(session.scalars(select(CentralChange.data).where(
            CentralChange.kind == "expediente.record")).one())
    foreign = {**record, "uuid": "0b7c2a7e-0000-4000-8000-0000000000aa",
               "folio": "OTRA-V01-2026-000001", "oficina": "OTRA", "ventanilla": "V01"}
    pending = [PendingChange("expediente.record", foreign["uuid"], foreign)]
    if many:  # a recibo.cancel sends the page change by change (sync.pull_page)
        pending.append(PendingChange("recibo.cancel", uuid, {
            "uuid": uuid, "folio": record["folio"], "recibo_folio": "R-HMO-V02-2026-000009",
            "reason": "Error", "cancelled_by": "supervisor",
            "cancelled_at": "2026-01-05T15:00:00Z"}))
    with central.db.write() as session:
        append_changes(session, OFFICE, pending)

    report = SyncEngine(window).run_once(force=True)

    assert report.ok and report.set_aside == 1, report.message
    with window.read() as session:
        assert session.get(Expediente, foreign["uuid"]) is None
        assert session.get_one(Expediente, uuid).folio == record["folio"]
        shown = sync_status(session)
    assert "no es de la oficina HMO" in shown["set_aside"][0]["reason"]


def _users(ctx: AppContext) -> list[tuple[object, ...]]:
    with ctx.read() as session:
        return [(u.username, u.password_hash, u.role, u.active)
                for u in session.scalars(select(User).order_by(User.username))]


def test_a_login_answer_about_another_user_logs_nobody_in(
        window: AppContext, central: CentralServer, liar: FakePlatform) -> None:
    admin.add_user(central.db, "ana", "supervisor", "Ana Lucía Valenzuela", "secreto-123")
    assert login(window, "ana", "secreto-123", platform_check(window)).username == "ana"
    before = _users(window)
    body = json.dumps({"username": "ana", "full_name": "Ana", "role": "admin"}).encode()
    liar.responder = lambda _m, path: ((200, JSON, body) if path.startswith("/v1/auth/")
                                       else (404, JSON, b'{"detail": "no"}'))
    point_to(window, liar.url)

    with pytest.raises(AuthError, match="Usuario o contraseña incorrectos"):
        login(window, "beto", "clave-de-beto", platform_check(window))
    with pytest.raises(VentanillaError, match="no se reconoce"):
        change_password(window, "beto", "clave-de-beto", "otra-clave-123")

    assert _users(window) == before
    with pytest.raises(AuthError):  # beto's password opens nothing offline either
        login(window, "ana", "clave-de-beto")


def _push_answer(last: int, ids: list[int]) -> bytes:
    return json.dumps({"last_mutation_id": last, "server_time": "2026-01-05T15:00:00Z",
                       "results": [{"mutation_id": i, "status": "applied"} for i in ids]}).encode()


PUSH_ANSWERS = {
    "no results at all": lambda ids: _push_answer(ids[-1], []),
    "a replayed answer of other mutations": lambda ids: _push_answer(
        ids[-1] + 5, [i + 100 for i in ids]),
    "results for some only": lambda ids: _push_answer(ids[-1], ids[:1]),
}


@pytest.mark.parametrize("case", sorted(PUSH_ANSWERS))
def test_a_push_answer_without_a_verdict_for_each_record_marks_nothing(
        window: AppContext, liar: FakePlatform, case: str) -> None:
    uuids = capture_many(window, 3)
    with window.read() as session:
        ids = sorted(session.scalars(select(OutboxEntry.mutation_id)))
    body = PUSH_ANSWERS[case](ids)
    liar.responder = lambda _m, path: ((200, JSON, body) if path.startswith("/v1/sync/push")
                                       else (404, JSON, b'{"detail": "no"}'))
    machine_id = sync_state(window).machine_id
    assert machine_id

    with pytest.raises(GarbageResponse), PlatformClient(liar.url, "token") as client:
        push_pending(window, client, machine_id)

    assert outbox_states(window) == {"pending": 3}
    with window.read() as session:
        assert {session.get_one(Expediente, u).sync_state for u in uuids} == {"pendiente"}
        assert all(session.scalars(select(OutboxEntry.payload)))


@pytest.mark.parametrize("retry_after", ["²", "1e5", "mañana"])
def test_a_retry_after_that_is_no_number_is_a_plain_busy_answer(
        window: AppContext, liar: FakePlatform, retry_after: str) -> None:
    capture_many(window, 1)
    liar.responder = busy(retry_after)
    point_to(window, liar.url)

    report = SyncEngine(window).run_once(force=True)

    assert not report.ok and "falla temporal" in report.message, report.message
    assert outbox_states(window) == {"pending": 1}
    assert sync_state(window).backoff_attempts == 1


@pytest.mark.parametrize("state", [
    {"last_mutation_id": 10**30, "folios": {}},
    {"last_mutation_id": 0, "folios": {"2026": 10**30}},
    {"last_mutation_id": 0, "folios": {"99999999999": 1}},
    {"last_mutation_id": -1, "folios": {}},
], ids=["last id past any integer", "folio past any integer", "year past any calendar",
        "negative last id"])
def test_a_state_answer_out_of_range_fails_its_step_only(
        window: AppContext, liar: FakePlatform, state: dict[str, Any]) -> None:
    capture_many(window, 1)
    body = json.dumps(state).encode()
    liar.responder = lambda _m, path: ((200, JSON, body) if path.startswith("/v1/sync/state")
                                       else (404, JSON, b'{"detail": "no"}'))
    point_to(window, liar.url)

    report = SyncEngine(window).run_once(force=True)

    assert "copia" in report.failed_steps and "no se reconoce" in report.message, report.message
    assert outbox_states(window) == {"pending": 1}


@pytest.mark.parametrize("published", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_publication_time_past_the_calendar_is_ignored_not_fatal(
        window: AppContext, liar: FakePlatform, published: str) -> None:
    envelope = DEMO_BUNDLE_PATH.read_bytes()  # signed by the demo key: refused, as it must be
    headers = {**JSON, "ETag": '"9-x"', "X-Ventanilla-Published-At": published}
    epoch = sync_state(window).epoch
    nothing = {"changes": [], "next_cursor": 0, "has_more": False, "epoch": epoch}

    def answer(_method: str, path: str) -> Answer:
        if path.startswith("/v1/config"):
            return 200, headers, envelope
        if path.startswith("/v1/sync/state"):
            return 200, JSON, b'{"last_mutation_id": 0, "folios": {}}'
        return 200, JSON, json.dumps(nothing).encode()

    liar.responder = answer
    point_to(window, liar.url)
    version = sync_state(window).config_version

    report = SyncEngine(window).run_once(force=True)

    assert "Error inesperado" not in report.message, report.message
    assert "firma" in report.message, report.message
    assert sync_state(window).config_version == version
