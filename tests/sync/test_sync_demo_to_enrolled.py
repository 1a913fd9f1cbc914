"""Demo → enrolled: the platform's catálogo replaces the demo one, even under the same version
number (both are "version 1"), against the real central on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.__main__ import main as central_cli
from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.context import AppContext
from desktop.errors import NotFound
from localdb.models import Expediente, Tramite
from sync.commands import enroll_command
from sync.engine import SyncEngine
from sync.enroll import NO_CONFIG_YET, enroll
from tests.sync.central_server import CentralServer
from tests.sync.machines import (
    ADMIN,
    PLAIN_TRAMITE,
    capture_many,
    demo_payload,
    server_hashes,
    sync_state,
)

NEW_TRAMITE = "HMO-NUEVO-001"
DROPPED_TRAMITE = "HMO-OCEG-001"
PLATFORM_NAME = "Pago del impuesto predial (catálogo de la plataforma)"


@pytest.fixture
def bare_central(central_db: str) -> Iterator[CentralServer]:
    """A platform that has published no configuration yet."""
    server = CentralServer(central_db, catalog=False).start()
    yield server
    server.close()


def platform_catalog(version: int = 1) -> dict[str, Any]:
    """The platform's own catálogo: one demo trámite renamed under the SAME version, one dropped,
    one new, and the demo's version number."""
    payload = demo_payload()
    payload["version"] = version
    tramites = [t for t in payload["tramites"] if t["homoclave"] != DROPPED_TRAMITE]
    for tramite in tramites:
        if tramite["homoclave"] == PLAIN_TRAMITE:
            tramite["nombre"] = PLATFORM_NAME
    nuevo = json.loads(json.dumps(tramites[0]))
    nuevo["homoclave"], nuevo["nombre"] = NEW_TRAMITE, "Trámite nuevo de la plataforma"
    payload["tramites"] = [*tramites, nuevo]
    return payload


def publish_with_cli(server: CentralServer, payload: dict[str, Any], folder: Path) -> None:
    path = folder / f"catalogo-v{payload['version']}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    assert central_cli(["publish-config", str(path), "--yes", "--db", server.db_url]) == 0


def assert_platform_catalog_in_force(ctx: AppContext) -> None:
    with ctx.write() as session:
        active = {(s.homoclave, s.version) for s in search_tramites(session)}
        assert (NEW_TRAMITE, 1) in active and (PLAIN_TRAMITE, 1) in active
        assert DROPPED_TRAMITE not in {homoclave for homoclave, _ in active}
        assert get_tramite(session, PLAIN_TRAMITE).nombre == PLATFORM_NAME
        assert current_bundle(session).version == 1
        rows = session.scalars(select(Tramite).where(Tramite.active.is_(True))).all()
        assert {r.bundle_version for r in rows} == {1}
        # the dropped demo trámite stays (inactive) for the demo expedientes that use it
        dropped = session.scalars(select(Tramite).where(Tramite.homoclave == DROPPED_TRAMITE))
        assert [r.active for r in dropped] == [False]
    state = sync_state(ctx)
    assert state.config_version == 1 and state.config_etag


def test_enrolling_a_demo_machine_puts_the_platform_catalogo_in_force(
        demo_ctx: AppContext, bare_central: CentralServer, tmp_path: Path) -> None:
    [demo_uuid] = capture_many(demo_ctx, 1, prefix="Demo")
    publish_with_cli(bare_central, platform_catalog(), tmp_path)

    result = enroll(demo_ctx, ADMIN, bare_central.url, bare_central.enroll_code("V03"))

    assert result.config_version == 1 and result.config_problem is None
    assert_platform_catalog_in_force(demo_ctx)
    with demo_ctx.write() as session:  # the demo expediente keeps its trámite version
        demo = session.get_one(Expediente, demo_uuid)
        assert get_tramite(session, demo.tramite_homoclave, demo.tramite_version)
    [real] = capture_many(demo_ctx, 1, prefix="Real")
    report = SyncEngine(demo_ctx).run_once(force=True)
    assert report.ok, report.message
    assert set(server_hashes(bare_central.db)) == {real}


def test_demo_machine_enrolled_before_the_platform_publishes_gets_it_by_sync(
        demo_ctx: AppContext, bare_central: CentralServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = bare_central.enroll_code("V04")
    assert enroll_command(demo_ctx, bare_central.url, code, ADMIN) == 0
    err = capsys.readouterr().err
    assert NO_CONFIG_YET in err and "no se pueden capturar" in err
    with demo_ctx.write() as session:  # the demo catálogo is no longer in force
        assert search_tramites(session) == []
        with pytest.raises(NotFound):
            current_bundle(session)
    with pytest.raises(NotFound):
        capture_many(demo_ctx, 1)

    publish_with_cli(bare_central, platform_catalog(), tmp_path)
    report = SyncEngine(demo_ctx).run_once(force=True)
    assert report.ok and report.config_version == 1, report.message
    assert_platform_catalog_in_force(demo_ctx)
    [real] = capture_many(demo_ctx, 1, prefix="Real")
    assert SyncEngine(demo_ctx).run_once(force=True).acked == 1
    assert set(server_hashes(bare_central.db)) == {real}
