"""Case- and accent-insensitive matching of names in SQL, the same on SQLite and PostgreSQL:
`folded(column)` is lower case without Spanish accents ("Ávila" → "avila"); `fold_text` does the
same to the search term in Python (and is SQLite's `ventanilla_fold`, registered by central.db).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

ACCENTED, PLAIN = "ÁÉÍÓÚÜÑáéíóúüñ", "AEIOUUNaeiouun"
_TABLE = str.maketrans(ACCENTED, PLAIN)
SQLITE_FUNCTION = "ventanilla_fold"


def fold_text(text: str | None) -> str | None:
    return None if text is None else text.translate(_TABLE).lower()


class folded(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _default(element: folded, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"lower(translate({arg}, '{ACCENTED}', '{PLAIN}'))"


@compiles(folded, "sqlite")
def _sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"
