"""The GUI thread never touches SQLite, the network or the printer (ARCHITECTURE §3): checked on
every UI test.

Every SQL statement, HTTP request (the platform, IPP printers) and child process (`lp` for CUPS
queues) is looked at as it happens. One made on the main
thread (where Qt's event loop runs) with a view's or widget's frame on its stack means it did
I/O instead of handing it to the task runner, and the test fails naming that line. Set-up and
assertions in the tests run on the main thread too, but through no view.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import event
from sqlalchemy.engine import Engine

UI_DIR = str(Path(__file__).resolve().parents[2] / "ui") + "/"
# The functions the views hand to the task runner: they run on the worker, or in a test's set-up.
WORKER_SIDE = {UI_DIR + "operations.py"}


def _ui_caller() -> str | None:
    """file:line of the innermost view/widget frame (ui/, not worker-side) on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(UI_DIR) and path not in WORKER_SIDE:
            name = frame.f_code.co_filename[len(UI_DIR):]
            return f"ui/{name}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def gui_thread_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    offences: list[str] = []

    def check(kind: str) -> None:
        if threading.current_thread() is threading.main_thread():
            caller = _ui_caller()
            if caller is not None:
                offences.append(f"{kind} on the GUI thread from {caller}")

    def on_sql(*_args: Any) -> None:
        check("SQL")

    real_send = requests.Session.send

    def send(self: requests.Session, *args: Any, **kwargs: Any) -> Any:
        check("HTTP request")
        return real_send(self, *args, **kwargs)

    real_popen_init = subprocess.Popen.__init__

    def popen_init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        check("child process")
        real_popen_init(self, *args, **kwargs)

    event.listen(Engine, "before_cursor_execute", on_sql)
    monkeypatch.setattr(requests.Session, "send", send)
    monkeypatch.setattr(subprocess.Popen, "__init__", popen_init)
    try:
        yield offences
    finally:
        event.remove(Engine, "before_cursor_execute", on_sql)
    assert offences == [], "\n".join(dict.fromkeys(offences))
