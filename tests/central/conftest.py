"""Fixtures for tests of the central platform over HTTP on loopback.

`central_db_url`: an empty database, once on SQLite (a tmp file) and once on PostgreSQL (a fresh
schema in $VENTANILLA_TEST_PG_URL or the server of scripts/postgres.sh). Without a reachable
PostgreSQL the pg case is skipped, unless $VENTANILLA_REQUIRE_PG is set (CI): then it fails.

`central_server`: a `tests.central_harness.CentralServer` (initialised platform, uvicorn on a free
127.0.0.1 port in a thread) over `central_db_url`: `.url`, `.db`, `.enroll_code(office, window)`.
Other test folders can reuse it the same way:
`with tests.central_harness.central_server(url) as c:`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.central_harness import REQUIRE_PG_ENV, CentralServer, central_server, fresh_pg_schema
from tests.central_harness import pg_base_url as _pg_base_url

_pg_url_cache: list[str | None] = []


def pg_base_url() -> str:
    """The test PostgreSQL's URL, or skip (fail when $VENTANILLA_REQUIRE_PG is set)."""
    if not _pg_url_cache:
        _pg_url_cache.append(_pg_base_url())
    url = _pg_url_cache[0]
    if url is None:
        message = "PostgreSQL not reachable (run `bash scripts/postgres.sh start`)"
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(message + f" and {REQUIRE_PG_ENV} is set")
        pytest.skip(message)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    with fresh_pg_schema(pg_base_url()) as url:
        yield url


@pytest.fixture(name="central_server")
def central_server_fixture(central_db_url: str) -> Iterator[CentralServer]:
    with central_server(central_db_url) as server:
        yield server
