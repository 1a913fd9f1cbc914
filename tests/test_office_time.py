"""Times are stored in UTC and shown in the office's time zone, set by the bundle: on screen
(the Expedientes list's cell), on paper (the acuse read back), in the CLI, with the office's
calendar date for the folio's year and the fecha compromiso. Hermosillo keeps UTC-7 all year;
Mexico City UTC-6 (neither has DST since 2022)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from desktop.access.permissions import CurrentUser
from desktop.bundles.apply import import_bundle_file
from desktop.bundles.schema import Bundle
from desktop.bundles.signing import write_bundle_file
from desktop.capture.answers_file import read_capture_file
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext
from desktop.demo import DEMO_PRIVATE_KEY_PATH
from desktop.demo.catalogo_demo import build_bundle
from desktop.documents.service import render_document
from desktop.records.expedientes import page_expedientes
from desktop.records.payments import payment_info, register_payment
from localdb.states import Role
from tests.cajas import ensure_open_caja
from tests.demo_office import open_demo_office
from tests.document_fixtures import pdf_text
from tests.raw_store import raw_store
from tests.test_cli import ROOT, run
from ui.expedientes_model import _cell
from wire.times import office_time, to_utc, zone_info

OPERADOR = CurrentUser("operador", "Operador", Role.OPERADOR)
ADMIN = CurrentUser("admin", "Administrador", Role.ADMIN)
EXAMPLE = ROOT / "docs/ejemplos/respuestas-HMO-SPM-001.json"
# 23:30 on Wednesday 15 July 2026 in Hermosillo (UTC-7) is already Thursday 06:30 UTC.
LATE_IN_HERMOSILLO = datetime(2026, 7, 16, 6, 30)


def test_one_summer_instant_on_two_office_clocks() -> None:
    instant = datetime(2026, 7, 15, 18, 0)  # naive = UTC, as stored
    hermosillo = office_time(instant, "America/Hermosillo")
    mexico = office_time(instant, "America/Mexico_City")
    assert (hermosillo.hour, hermosillo.utcoffset().total_seconds() / 3600) == (11, -7)
    assert (mexico.hour, mexico.utcoffset().total_seconds() / 3600) == (12, -6)
    assert to_utc(datetime(2026, 7, 15, 11, 0), "America/Hermosillo") == instant
    assert to_utc(mexico, "America/Hermosillo") == instant  # an aware value keeps its instant


def test_the_bundle_names_a_known_zone_and_old_bundles_keep_their_bytes() -> None:
    data = build_bundle()
    assert Bundle.model_validate(data).zona_horaria == "America/Hermosillo"
    bad = {**data, "zona_horaria": "America/Atlantida"}
    with pytest.raises(ValidationError, match="no es una zona horaria IANA conocida"):
        Bundle.model_validate(bad)
    with pytest.raises(ValueError, match="IANA"):
        zone_info("../../etc/passwd")
    without = {k: v for k, v in data.items() if k != "zona_horaria"}
    default = Bundle.model_validate(without)
    assert default.zona_horaria == "America/Mexico_City"
    assert "zona_horaria" not in default.model_dump(mode="json")  # the signed bytes as before


def _capture_at(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, instant: datetime) -> str:
    monkeypatch.setattr("desktop.capture.service.utc_now", lambda: instant)
    data = read_capture_file(EXAMPLE)
    return capture_expediente(ctx, OPERADOR, CaptureRequest(
        homoclave="HMO-SPM-001", answers=dict(data.answers),
        requisitos=[RequisitoAnswer("identificacion", True)])).folio


def _shown(ctx: AppContext, folio: str) -> tuple[str, str]:
    """What the Expedientes list's Capturado cell and the acuse say of the capture."""
    with ctx.read() as session:
        [row] = [r for r in page_expedientes(session) if r.folio == folio]
    acuse = pdf_text(render_document(ctx, OPERADOR, folio, "acuse", "carta").pdf)
    return _cell(row, "captured_at", False), acuse


def _use_zone(ctx: AppContext, tmp_path: Path, zone: str) -> None:
    data: dict[str, Any] = copy.deepcopy(build_bundle())
    data["version"], data["zona_horaria"] = 2, zone
    path = tmp_path / "v2.json"
    write_bundle_file(path, Bundle.model_validate(data), DEMO_PRIVATE_KEY_PATH.read_bytes())
    import_bundle_file(ctx, path, ADMIN)


def test_a_capture_at_23_30_in_hermosillo_is_that_local_date_on_screen_and_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_demo_office(tmp_path / "d")
    try:
        folio = _capture_at(ctx, monkeypatch, LATE_IN_HERMOSILLO)
        raw = raw_store(ctx.data_dir)
        stored = raw.execute("SELECT captured_at FROM expedientes").fetchone()[0]
        raw.close()
        assert stored.startswith("2026-07-16 06:30:00")  # UTC in the store

        cell, acuse = _shown(ctx, folio)
        assert cell == "15/07/2026 23:30"
        assert "15 de julio de 2026, 23:30 (UTC-7)" in acuse
        # 7 días hábiles from Wednesday 15 July (the local date), not from Thursday 16.
        assert "Fecha compromiso 24 de julio de 2026" in acuse

        monkeypatch.setattr("desktop.records.payments.utc_now", lambda: LATE_IN_HERMOSILLO)
        ensure_open_caja(ctx)  # payments are cashed in an open caja (desktop/records/cajas.py)
        register_payment(ctx, OPERADOR, folio, "efectivo")
        paid_at = payment_info(ctx, folio).paid_at
        assert paid_at is not None and f"{paid_at:%d/%m/%Y %H:%M}" == "15/07/2026 23:30"

        _use_zone(ctx, tmp_path, "America/Mexico_City")  # the same instant, another office
        cell, acuse = _shown(ctx, folio)
        assert cell == "16/07/2026 00:30"
        assert "16 de julio de 2026, 00:30 (UTC-6)" in acuse
    finally:
        ctx.close()


def test_the_folio_year_is_the_office_year_on_new_years_eve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_demo_office(tmp_path / "d")
    try:
        # 23:30 on 31 December 2026 in Hermosillo: 2027 in UTC, 2026 at the office.
        folio = _capture_at(ctx, monkeypatch, datetime(2027, 1, 1, 6, 30))
    finally:
        ctx.close()
    assert "-2026-" in folio


def test_the_cli_shows_the_office_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d"
    ctx = open_demo_office(data)
    try:
        folio = _capture_at(ctx, monkeypatch, LATE_IN_HERMOSILLO)
    finally:
        ctx.close()
    listed = run(data, "list")
    assert listed.stdout.split("\t")[1] == "15/07/2026 23:30"
    shown = run(data, "show", folio).stdout
    assert '"captured_at": "2026-07-15T23:30:00-07:00"' in shown


def test_the_payload_carries_utc_with_its_zone(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    ctx = open_demo_office(tmp_path / "d")
    try:
        _capture_at(ctx, monkeypatch, LATE_IN_HERMOSILLO)
    finally:
        ctx.close()
    raw = raw_store(tmp_path / "d")
    payload = json.loads(raw.execute("SELECT payload FROM outbox").fetchone()[0])
    raw.close()
    assert datetime.fromisoformat(payload["captured_at"]) == LATE_IN_HERMOSILLO.replace(
        tzinfo=UTC)
