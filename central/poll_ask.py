"""A pull request in its plain form, read straight from the ASGI scope (central.poll_front).

Only what the route would accept and read the same way: known parameters given once, integers
as plain digits within the route's bounds, the epoch and If-None-Match within their lengths, a
bearer token, a well-formed window report (or none). Anything else is None, and the full route
validates and answers it (422 in Spanish, 401…), so nothing is accepted here that it refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.types import Scope

from central.pull import MAX_CURSOR
from wire.protocol import MAX_PULL_LIMIT, poll_tag
from wire.window_report import WindowReport

PULL_PATH = "/v1/sync/pull"
_PARAMETERS = frozenset({"cursor", "limit", "epoch"})
_MAX_EPOCH, _MAX_TAG = 64, 200  # the route's bounds (central/pull.py)


@dataclass(frozen=True)
class PollAsk:
    token: str
    cursor: int
    limit: int
    epoch: str
    tag: str  # the If-None-Match sent, equal to poll_tag(epoch, cursor)
    report: WindowReport | None


def poll_ask(scope: Scope) -> PollAsk | None:
    """The conditional poll in `scope` when it is one in its plain form; None otherwise."""
    if scope["method"] != "GET" or scope["path"] != PULL_PATH:
        return None
    query = _query(scope["query_string"])
    if query is None:
        return None
    cursor, limit = query.get("cursor", "0"), query.get("limit", str(MAX_PULL_LIMIT))
    epoch = query.get("epoch")
    if epoch is None or len(epoch) > _MAX_EPOCH or not (
            _plain_int(cursor, 0) and _plain_int(limit, 1)):
        return None
    headers = Headers(scope=scope)
    tag = headers.get("if-none-match")
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if tag is None or len(tag) > _MAX_TAG or tag != poll_tag(epoch, int(cursor)) or (
            scheme.lower() != "bearer" or not token):
        return None
    try:
        report = WindowReport.from_headers(headers)
    except ValidationError:
        return None
    return PollAsk(token, int(cursor), min(int(limit), MAX_PULL_LIMIT), epoch, tag, report)


def _query(raw: bytes) -> Mapping[str, str] | None:
    """The query's parameters when each is known and given once; None otherwise."""
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        return None
    query = dict(pairs)
    if len(query) != len(pairs) or not query.keys() <= _PARAMETERS:
        return None
    return query


def _plain_int(text: str, lowest: int) -> bool:
    """Digits only, no sign, no leading zero, within the route's bounds."""
    return (text.isascii() and text.isdigit() and (text == "0" or text[0] != "0")
            and lowest <= int(text) <= MAX_CURSOR)
