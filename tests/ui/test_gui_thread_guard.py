"""The guard of tests/ui/gui_thread_guard.py catches a view doing I/O on the GUI thread."""

from __future__ import annotations

import subprocess

import requests
from sqlalchemy import text

from desktop.context import AppContext
from tests.ui.gui_thread_guard import UI_DIR

# Runs with a file name inside ui/, as a view's slot would.
VIEW_SOURCE = """
def on_click(ctx):
    with ctx.write() as session:
        session.execute(text("SELECT 1"))
    try:
        requests.get("http://127.0.0.1:9/", timeout=0.5)
    except requests.RequestException:
        pass
    subprocess.run(["true"], check=True)
"""


def test_sql_and_http_on_the_gui_thread_from_a_view_are_caught(
        ctx: AppContext, gui_thread_guard: list[str]) -> None:
    scope = {"text": text, "requests": requests, "subprocess": subprocess}
    exec(compile(VIEW_SOURCE, UI_DIR + "fake_view.py", "exec"), scope)
    scope["on_click"](ctx)
    assert list(dict.fromkeys(gui_thread_guard)) == [
        "SQL on the GUI thread from ui/fake_view.py:4 (on_click)",
        "HTTP request on the GUI thread from ui/fake_view.py:6 (on_click)",
        "child process on the GUI thread from ui/fake_view.py:9 (on_click)",
    ]
    gui_thread_guard.clear()  # caught; do not fail this test's teardown
