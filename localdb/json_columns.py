"""How the store writes a JSON column, in a module that imports no database code: the pull's
worker process (sync/pull_worker.py) encodes the columns of the rows it prepares with it."""

from __future__ import annotations

import json
from typing import Any


def json_text(value: Any) -> str:
    """How a JSON column is stored: compact, UTF-8 (revision 0016; Python's default spacing and
    \\u escapes took ~9 % of an expediente's row). Readers parse it, so only the bytes change."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
