"""Start the window as `python main.py` does and stop as soon as the login dialog is shown
(tests/bench_scale.py times it from the outside; tests/test_start_imports.py checks what was
imported by then).

Run: QT_QPA_PLATFORM=offscreen python -m tests.start_login_probe DATA_DIR [--modules]
Prints "login shown" (and, with --modules, the names in sys.modules at that moment) and exits.
"""

from __future__ import annotations

import os
import sys


def _on_shown(with_modules: bool) -> None:
    print("login shown", flush=True)
    if with_modules:
        print("\n".join(sorted(sys.modules)), flush=True)
    os._exit(0)  # at once: what the window would do next is not measured


def main() -> None:
    data_dir, with_modules = sys.argv[1], "--modules" in sys.argv
    sys.argv = ["main.py", "--data-dir", data_dir]
    import main as entry

    original = entry.cmd_gui

    def gui_probe(ctx: object, args: object) -> int:
        from PySide6.QtCore import QTimer

        from ui.login_dialog import LoginDialog

        show = LoginDialog.showEvent

        def shown(self: LoginDialog, event: object) -> None:
            show(self, event)
            QTimer.singleShot(0, lambda: _on_shown(with_modules))
        LoginDialog.showEvent = shown  # type: ignore[method-assign]
        return original(ctx, args)  # type: ignore[arg-type]
    entry.HANDLERS[None] = gui_probe
    sys.exit(entry.main(["--data-dir", data_dir]))


if __name__ == "__main__":
    main()
