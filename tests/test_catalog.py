"""Catálogo search and trámite lookup over a store with the demo bundle applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.bundles.apply import apply_bundle, read_bundle_file, verify_bundle
from desktop.bundles.catalog import TramiteSummary, get_tramite, search_tramites
from desktop.context import AppContext, open_context
from desktop.demo import DEMO_BUNDLE_PATH, DEMO_PUBLIC_KEY_PEM
from desktop.errors import NotFound
from localdb.models import SyncState, Tramite


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(tmp_path / "datos")
    payload, signature = read_bundle_file(DEMO_BUNDLE_PATH)
    with ctx.write() as s:
        s.add(SyncState(id=1, machine_id="demo", oficina="HMO", ventanilla="V01",
                        platform_public_key=DEMO_PUBLIC_KEY_PEM))
        s.flush()
        apply_bundle(s, verify_bundle(payload, signature, DEMO_PUBLIC_KEY_PEM), payload,
                     signature)
    yield ctx
    ctx.close()


def homoclaves(found: list[TramiteSummary]) -> list[str]:
    return [t.homoclave for t in found]


def test_empty_search_lists_every_active_tramite_by_dependencia_then_nombre(
        catalog: AppContext) -> None:
    with catalog.write() as s:
        found = search_tramites(s)
    assert len(found) == 15
    assert found[0].dependencia_nombre == "Agua de Hermosillo"
    # "Constancia…" sorts before "Contratación…"
    assert homoclaves(found[:2]) == ["HMO-AGUAH-002", "HMO-AGUAH-001"]
    assert found[-1].dependencia_nombre == "Unidad Municipal de Protección Civil"
    tesoreria = [t.nombre for t in found if t.dependencia_clave == "TM"]
    assert tesoreria == ["Constancia de no adeudo del impuesto predial",
                         "Licencia de funcionamiento", "Pago del impuesto predial"]


def test_summary_carries_what_the_list_shows(catalog: AppContext) -> None:
    with catalog.write() as s:
        [licencia] = search_tramites(s, "licencia de construccion")
    assert licencia == TramiteSummary("HMO-DUE-002", 1, "Licencia de construcción", "DUE",
                                      "Desarrollo Urbano y Ecología", 2, 10)


@pytest.mark.parametrize(("text", "expected"), [
    ("tesoreria", ["HMO-TM-002", "HMO-TM-003", "HMO-TM-001"]),
    ("TESORERÍA", ["HMO-TM-002", "HMO-TM-003", "HMO-TM-001"]),
    ("  Protección   civil ", ["HMO-UMPC-001"]),
    ("contratacion agua", ["HMO-AGUAH-001"]),
    ("hmo-due-00", ["HMO-DUE-002", "HMO-DUE-001"]),
    ("NO ADEUDO", ["HMO-AGUAH-002", "HMO-TM-002"]),
    ("árbol", ["HMO-SPM-002"]),
    ("pasaporte", []),
])
def test_search_is_accent_and_case_insensitive(catalog: AppContext, text: str,
                                               expected: list[str]) -> None:
    with catalog.write() as s:
        assert homoclaves(search_tramites(s, text)) == expected


def test_inactive_versions_are_not_listed(catalog: AppContext) -> None:
    with catalog.write() as s:
        s.execute(update(Tramite).where(Tramite.homoclave == "HMO-IMCA-001").values(active=False))
    with catalog.write() as s:
        assert search_tramites(s, "cultura") == []
        with pytest.raises(NotFound, match="HMO-IMCA-001 no existe o ya no está vigente"):
            get_tramite(s, "HMO-IMCA-001")
        assert get_tramite(s, "HMO-IMCA-001", 1).nombre.startswith("Inscripción a talleres")


def test_get_tramite_returns_the_definition(catalog: AppContext) -> None:
    with catalog.write() as s:
        tramite = get_tramite(s, "HMO-DUE-001")
    assert tramite.version == 1 and tramite.dependencia == "DUE"
    assert [c.regla.tipo for c in tramite.cobros] == ["formula"]
    assert tramite.campos[0].dato_solicitante == "nombre"


def test_get_tramite_not_found_in_spanish(catalog: AppContext) -> None:
    with catalog.write() as s:
        with pytest.raises(NotFound, match="El trámite NO-EXISTE no existe"):
            get_tramite(s, "NO-EXISTE")
        with pytest.raises(NotFound, match="No se encontró la versión 7 del trámite HMO-TM-001"):
            get_tramite(s, "HMO-TM-001", 7)
