"""Render the main screens to PNG for the docs: `python scripts/screenshots.py docs/screenshots`
(`make screenshots`). A dev tool: it lives outside the shipped packages.

Runs against a throw-away demo office in a temporary folder, offscreen unless a display is set.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")  # a throw-away demo office

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from screenshot_kit import (
    GOOD_CURP,
    SIZE,
    TRAMITE,
    _quiet_offscreen,
    fill_capture,
    sample_image,
    save,
    seed_expedientes,
    settle,
)
from screenshot_scenes import (
    shoot_config,
    shoot_config_alone,
    shoot_corte,
    shoot_enroll,
    shoot_login,
    shoot_review_queue,
    shoot_stale,
    shoot_supervisor,
    shoot_users,
)

from desktop.access.auth import login
from desktop.context import open_context
from desktop.demo_setup import bootstrap_if_empty
from desktop.office import load_office
from ui.main_window import CAPTURE, EXPEDIENTES, MainWindow
from ui.tasks import TaskRunner
from ui.theme import apply_theme

# `--only NAME`: just these screens
ONLY = {"sin-conexion": shoot_stale, "config": shoot_config_alone}


def run(out: Path, only: str | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    runner = TaskRunner(app)
    if only is not None:
        ONLY[only](runner, out)
        app.processEvents()
        return
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "datos")
        bootstrap_if_empty(ctx)
        shoot_login(ctx, runner, out)
        user = login(ctx, "operador", "operador123")
        seed_expedientes(ctx, user)
        window = MainWindow(ctx, user, load_office(ctx), runner)
        window.resize(*SIZE)
        window.show()
        settle(runner)
        window.catalog.search_box.setText("constancia")
        settle(runner, window.catalog.search_pending)
        window.catalog.select_tramite(TRAMITE)
        settle(runner)
        save(window, out / "02-catalogo.png")
        window.catalog.detail.capture_button.click()
        settle(runner)
        view = window.capture.capture
        assert view is not None
        fill_capture(view, "GODE561231HSRRRN01")
        settle(runner)
        save(window, out / "03-captura-error.png")
        fill_capture(view, GOOD_CURP)
        view.requisitos.check_all()
        view.anexos.add_files([sample_image(Path(tmp) / "identificacion.png")])
        settle(runner, view.anexos.is_inspecting)
        view.scroll_to_bottom()
        save(window, out / "04-captura-lista.png")
        view.save()
        settle(runner, lambda: window.capture.saved is None)
        saved = window.capture.saved
        assert saved is not None
        settle(runner, lambda: saved.preview.keys() != ["acuse", "recibo"])
        save(window, out / "05-expediente-guardado.png")
        window.go(EXPEDIENTES)
        settle(runner, window.expedientes.search_pending)
        save(window, out / "06-expedientes.png")
        window.go(CAPTURE)
        window.lock(idle=True)
        settle(runner)
        save(window, out / "07-sesion-bloqueada.png")
        window.unlock()
        window.close()
        shoot_supervisor(ctx, runner, out)
        shoot_review_queue(ctx, runner, out)
        shoot_users(ctx, runner, out)
        shoot_corte(ctx, runner, out)
        shoot_enroll(ctx, runner, out)
        shoot_config(ctx, runner, out, Path(tmp))
        runner.wait_for_done()
        ctx.close()
    shoot_stale(runner, out)
    app.processEvents()


def main(argv: list[str]) -> int:
    """`screenshots.py [OUT] [--only NAME]` (NAME one of ONLY's keys)."""
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    rest = [a for a in argv[1:] if a not in ("--only", only)]
    out = Path(rest[0] if rest else "docs/screenshots")
    print(f"Capturas de pantalla en {out}:")
    run(out, only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
