"""A list of keys bound as ONE parameter: `SELECT value FROM json_each(:list)`.

`column IN (SELECT value FROM json_each(?))` looks the keys up like an IN list, but a batch's
five hundred keys (or a pulled page's thousand) as five hundred parameters cost more to build and
compile, every time, than the lookups themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select


def each(values: Iterable[str] | Iterable[int]) -> Select[tuple[Any]]:
    """The keys as a one-column subquery, for `column.in_(each(keys))`."""
    return select(func.json_each(json.dumps(list(values))).table_valued("value").c.value)


# For an ORM UPDATE whose WHERE is `in_(each(...))`: SQLAlchemy cannot evaluate the subquery in
# Python and would fetch the matched keys back (RETURNING) to refresh objects the session holds.
# Only for sessions that hold none of the rows they update.
NO_SYNC = {"synchronize_session": False}
