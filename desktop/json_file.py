"""A JSON file replaced atomically: written to a temporary file beside it (mkstemp: mode 0600
from its first byte), fsync'd, then renamed over the old one, so a crash leaves the old file or
the new one, never half of either. Used for the credentials file and the high-water mark (which
skips the fsync: see desktop/records/high_water.py)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def replace_json(path: Path, data: Any, *, sort_keys: bool = False,
                 durable: bool = True) -> None:
    """Write `data` to `path` atomically; OSError when it cannot be written. `durable=False`
    leaves the flush to the disk to the system: after a crash of the whole machine the file may
    be the one before (never a torn one on ext4, whose rename over a file flushes its data)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, sort_keys=sort_keys)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
