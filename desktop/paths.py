"""Where Ventanilla keeps its data: platformdirs, or --data-dir, or VENTANILLA_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Ventanilla"
ENV_DATA_DIR = "VENTANILLA_DATA_DIR"
DB_FILENAME = "ventanilla.db"


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """--data-dir wins, then VENTANILLA_DATA_DIR, then the platform's user data folder."""
    chosen = cli_value or os.environ.get(ENV_DATA_DIR)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_data_dir(path: Path) -> Path:
    """Create the folder (and blobs/) owner-only: it holds personal data of citizens."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    (path / "blobs").mkdir(exist_ok=True)
    os.chmod(path / "blobs", 0o700)
    return path
