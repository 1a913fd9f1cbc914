"""The transaction rule on a real SQLite file in WAL mode: a read (ctx.read, BEGIN DEFERRED)
never waits for a writer; writes (ctx.write, BEGIN IMMEDIATE) queue behind each other; a read
session cannot write."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from desktop.context import AppContext, open_context
from localdb.engine import BUSY_TIMEOUT_MS
from localdb.models import Setting


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(tmp_path / "datos")
    with context.write() as session:
        session.add(Setting(key="impresora", value="antes"))
    yield context
    context.close()


def _value(ctx: AppContext) -> str:
    with ctx.read() as session:
        return session.get_one(Setting, "impresora").value


def test_a_read_completes_while_a_writer_holds_its_transaction(ctx: AppContext) -> None:
    with ctx.write() as writer:
        writer.get_one(Setting, "impresora").value = "después"
        writer.flush()  # the write lock is held from BEGIN IMMEDIATE until commit
        started = time.monotonic()
        seen = _value(ctx)  # another pooled connection, same thread: a wait could never end
        waited = time.monotonic() - started
    assert seen == "antes"  # the snapshot before the writer commits
    assert waited < BUSY_TIMEOUT_MS / 1000 / 5
    assert _value(ctx) == "después"


def test_a_second_writer_waits_for_the_first_to_commit(ctx: AppContext) -> None:
    finished = threading.Event()

    def second_writer() -> None:
        with ctx.write() as session:
            row = session.get_one(Setting, "impresora")
            row.value += " y otra vez"
        finished.set()

    with ctx.write() as first:
        first.get_one(Setting, "impresora").value = "primera"
        first.flush()
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not finished.wait(0.5)  # BEGIN IMMEDIATE: queued on the busy timeout
    thread.join(timeout=BUSY_TIMEOUT_MS / 1000)
    assert finished.is_set()
    assert _value(ctx) == "primera y otra vez"  # it read the committed row, lost nothing


def test_a_read_session_refuses_to_write_and_its_connection_still_writes_later(
    ctx: AppContext,
) -> None:
    with pytest.raises(OperationalError, match="readonly database"), ctx.read() as session:
        session.get_one(Setting, "impresora").value = "no"
        session.flush()
    assert _value(ctx) == "antes"
    with ctx.write() as session:  # the pooled connection is writable again
        session.get_one(Setting, "impresora").value = "sí"
    assert _value(ctx) == "sí"
