"""A borrador pinned to an older trámite version (issue 10): what carries over to the version in
force, what is listed before moving, and fees computed wholly under one version."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import import_bundle_file
from desktop.capture.draft_move import GONE, move_draft, newer_version, plan_move
from desktop.capture.drafts import DraftInput, load_draft, save_draft
from desktop.capture.service import RequisitoAnswer
from desktop.context import AppContext
from desktop.errors import VentanillaError
from tests.impact_bundles import CAMPOS, write_crafted
from ui.operations import load_capture_setup

ADMIN = CurrentUser("admin", "Administradora", Role.ADMIN)
OPERADOR = CurrentUser("operador", "Operador", Role.OPERADOR)
ANSWERS = {"nombre": "Ana Lucía Pérez", "fecha_llegada": "2020-01-05", "motivo": "empleo",
           "anios_residencia": "6", "colonia": "Centro"}


def _old_draft(ctx: AppContext, tmp_path: Path) -> str:
    uuid = save_draft(ctx, OPERADOR, DraftInput(CAMPOS, 1, dict(ANSWERS), [
        RequisitoAnswer("identificacion", True), RequisitoAnswer("testigos", False, "luego")]))
    import_bundle_file(ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    return uuid


def test_plan_lists_what_does_not_carry_and_move_repins(demo_ctx: AppContext,
                                                        tmp_path: Path) -> None:
    uuid = _old_draft(demo_ctx, tmp_path)
    with demo_ctx.read() as session:
        assert newer_version(session, CAMPOS, 1) == 2
        assert newer_version(session, CAMPOS, 2) is None
    plan = plan_move(demo_ctx, OPERADOR, uuid)
    assert (plan.from_version, plan.to_version) == (1, 2)
    assert plan.answers == {k: v for k, v in ANSWERS.items() if k != "fecha_llegada"}
    assert [(d.clave, d.value, d.reason) for d in plan.dropped] == [
        ("fecha_llegada", "2020-01-05", GONE)]
    assert plan.requisitos_dropped == [] and not plan.loses_nothing
    move_draft(demo_ctx, OPERADOR, plan)
    with demo_ctx.read() as session:
        moved = load_draft(session, uuid, demo_ctx.blob_dir)
    assert moved.version == 2 and moved.answers == plan.answers
    assert [r.clave for r in moved.requisitos] == ["identificacion", "testigos"]
    with pytest.raises(VentanillaError):  # already on the version in force
        plan_move(demo_ctx, OPERADOR, uuid)


def test_an_answer_no_longer_valid_is_listed_not_carried(demo_ctx: AppContext,
                                                         tmp_path: Path) -> None:
    uuid = save_draft(demo_ctx, OPERADOR, DraftInput(CAMPOS, 1, {"motivo": "viaje"}))
    import_bundle_file(demo_ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    plan = plan_move(demo_ctx, OPERADOR, uuid)
    assert plan.answers == {}
    assert [d.clave for d in plan.dropped] == ["motivo"]


def test_a_stale_plan_is_refused(demo_ctx: AppContext, tmp_path: Path) -> None:
    uuid = _old_draft(demo_ctx, tmp_path)
    plan = plan_move(demo_ctx, OPERADOR, uuid)
    save_draft(demo_ctx, OPERADOR, DraftInput(CAMPOS, 1, {"colonia": "Otra"}, uuid=uuid))
    with pytest.raises(VentanillaError, match="cambiaron mientras revisaba"):
        move_draft(demo_ctx, OPERADOR, plan)


def test_fees_follow_the_draft_version_wholly(demo_ctx: AppContext, tmp_path: Path) -> None:
    uuid = _old_draft(demo_ctx, tmp_path)
    before = load_capture_setup(demo_ctx, CAMPOS, 1)
    assert before.uma_diaria == Decimal("117.31")  # v1 rules with v1's UMA, not v2's 120.00
    move_draft(demo_ctx, OPERADOR, plan_move(demo_ctx, OPERADOR, uuid))
    after = load_capture_setup(demo_ctx, CAMPOS, 2)
    assert after.uma_diaria == Decimal("120.00") and after.tramite.version == 2
