"""The impact report (issue 10): a crafted v2 of the demo bundle lists exactly the changes made,
field by field, with the right sample amounts; the history keeps it; fees of an older version
never mix its rules with a newer UMA."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from catalogo.impact import Change, DraftRef, ImpactReport, ItemChange, impact_report
from catalogo.impact_text import report_from_json, report_json, report_text, summary_line
from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import current_bundle, import_bundle_file, parse_payload
from desktop.bundles.history import applied_report, config_overview
from desktop.bundles.uma import uma_for
from desktop.capture.drafts import DraftInput, save_draft
from desktop.context import AppContext
from desktop.errors import NotFound, PermissionDenied
from tests.impact_bundles import (
    ADDED,
    CAMPOS,
    FEES,
    REMOVED,
    UMA_ONLY,
    crafted_v2,
    demo_payload,
    write_crafted,
)

ADMIN = CurrentUser("admin", "Administradora", Role.ADMIN)
OPERADOR = CurrentUser("operador", "Operador", Role.OPERADOR)
DRAFTS = [DraftRef("d-say", CAMPOS, 1, "operador"), DraftRef("d-oceg", REMOVED, 1, "operador"),
          DraftRef("d-tm", "HMO-TM-001", 1, "operador")]


def crafted_report() -> ImpactReport:
    before = parse_payload(json.dumps(demo_payload()).encode())
    after = parse_payload(json.dumps(crafted_v2()).encode())
    return impact_report(before, after, DRAFTS)


def by_homoclave(report: ImpactReport, homoclave: str):  # type: ignore[no-untyped-def]
    return next(t for t in report.changed if t.homoclave == homoclave)


def test_trámites_added_removed_and_changed_are_exactly_the_crafted_ones() -> None:
    report = crafted_report()
    assert (report.version_before, report.version_after) == (1, 2)
    assert [(r.homoclave, r.version) for r in report.added] == [(ADDED, 1)]
    assert [(r.homoclave, r.nombre) for r in report.removed] == [
        (REMOVED, "Queja o denuncia ciudadana")]
    assert sorted(t.homoclave for t in report.definitions_changed) == sorted([CAMPOS, FEES])
    assert sorted(t.homoclave for t in report.amounts_only) == sorted(UMA_ONLY)
    assert [(v.name, v.before, v.after) for v in report.municipio] == [
        ("UMA diaria", "$117.31", "$120.00")]


def test_campos_requisitos_and_plazo_are_listed_field_by_field() -> None:
    say = by_homoclave(crafted_report(), CAMPOS)
    assert (say.version_before, say.version_after, say.plazo) == (1, 2, (3, 5))
    assert say.values == []
    assert say.campos == [
        ItemChange("clave_elector", "Clave de elector", Change.ADDED, "", "texto, obligatorio"),
        ItemChange("fecha_llegada", "Fecha de llegada al domicilio", Change.REMOVED,
                   "fecha, opcional"),
        ItemChange("motivo", "Motivo", Change.OPTIONS, "empleo, escuela, tramite",
                   "empleo, escuela, tramite, credito"),
    ]
    assert say.requisitos == [ItemChange(
        "testigos", "Dos testigos con identificación oficial vigente", Change.CHANGED,
        "Dos testigos con identificación (opcional)",
        "Dos testigos con identificación oficial vigente (opcional)")]
    assert say.cobros == []  # the rule is the same; only the UMA moves its amount
    assert [(s.before, s.after) for s in say.samples] == [
        (Decimal("140.77"), Decimal("144.00"))] * 3  # 1.2 UMA


def test_fee_rule_change_with_sample_amounts_old_and_new() -> None:
    fees = by_homoclave(crafted_report(), FEES)
    assert fees.campos == [] and fees.requisitos == [] and fees.plazo is None
    assert [(c.change, c.before, c.after) for c in fees.cobros] == [(
        Change.CHANGED, "$185.00 por unidad de volumen aproximado (m³) (CRI 4.3.3.1)",
        "$200.00 por unidad de volumen aproximado (m³) (CRI 4.3.3.1)")]
    # metros_cubicos: mínimo 1, máximo 20 → 1, 10 and 20 (clamped)
    assert [(s.answers["metros_cubicos"], s.before, s.after) for s in fees.samples] == [
        (Decimal(1), Decimal("185.00"), Decimal("200.00")),
        (Decimal(10), Decimal("1850.00"), Decimal("2000.00")),
        (Decimal(20), Decimal("3700.00"), Decimal("4000.00")),
    ]


def test_uma_only_trámites_show_the_uma_change_in_their_samples() -> None:
    report = crafted_report()
    tm2 = by_homoclave(report, "HMO-TM-002")  # 2 UMA
    assert tm2.cobros == [] and tm2.campos == [] and not tm2.definition_changed
    assert [(s.before, s.after) for s in tm2.samples] == [(Decimal("234.62"), Decimal("240.00"))]
    due = by_homoclave(report, "HMO-DUE-001")  # superficie_terreno * 4.25 + 3 * uma
    first = due.samples[0]
    assert first.answers == {"superficie_terreno": Decimal(1)}
    assert (first.before, first.after) == (Decimal("356.18"), Decimal("364.25"))
    assert "HMO-DUE-002" not in {t.homoclave for t in report.changed}  # no UMA in its rules


def test_tramos_samples_land_in_different_tramos() -> None:
    data = crafted_v2()
    tm1 = next(t for t in data["tramites"] if t["homoclave"] == "HMO-TM-001")
    tm1["version"] = 2
    tm1["cobros"][0]["regla"]["tramos"][0]["monto"] = "500.00"
    before = parse_payload(json.dumps(demo_payload()).encode())
    report = impact_report(before, parse_payload(json.dumps(data).encode()))
    samples = by_homoclave(report, "HMO-TM-001").samples
    assert [(s.answers["valor_catastral"], s.before, s.after) for s in samples] == [
        (Decimal(150000), Decimal("450.00"), Decimal("500.00")),
        (Decimal(500000), Decimal("1380.00"), Decimal("1380.00")),
        (Decimal(1500001), Decimal("9800.00"), Decimal("9800.00")),
    ]


def test_drafts_left_on_an_older_version() -> None:
    assert [d.uuid for d in crafted_report().drafts_left_behind] == ["d-say", "d-oceg"]


def test_text_json_and_stored_form_agree() -> None:
    report = crafted_report()
    assert summary_line(report) == (
        "Configuración versión 2: 1 trámite nuevo, 2 cambiados, 1 retirado, "
        "6 con importes distintos, datos del municipio: UMA diaria, "
        "2 borradores en versión anterior")
    text = report_text(report)
    for line in ("Trámites nuevos:", f"  {ADDED} Permiso de poda urgente (v1)",
                 "      + Clave de elector (clave_elector): texto, obligatorio",
                 "      − Fecha de llegada al domicilio (fecha_llegada): fecha, opcional",
                 "    Plazo: 3 días hábiles → 5 días hábiles",
                 "      Valores típicos (metros_cubicos = 10): $1,850.00 → $2,000.00",
                 "  UMA diaria: $117.31 → $120.00"):
        assert line in text.splitlines(), line
    data = json.loads(json.dumps(report_json(report)))
    assert data["added"][0]["homoclave"] == ADDED
    assert report_from_json(data) == report


def test_apply_keeps_the_report_in_the_history(tmp_path: Path,
                                               demo_ctx: AppContext) -> None:
    save_draft(demo_ctx, OPERADOR, DraftInput(CAMPOS, 1, {"nombre": "Ana"}))
    import_bundle_file(demo_ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    overview = config_overview(demo_ctx, ADMIN)
    assert [h.version for h in overview.history] == [2, 1]
    current = overview.current
    assert current is not None and current.source == "Archivo importado"
    assert current.applied_by == "admin" and len(current.key_id) == 16
    assert overview.history[1].source == "Demostración"
    assert current.summary.startswith("Configuración versión 2: 1 trámite nuevo, 2 cambiados")
    stored = applied_report(demo_ctx, ADMIN, 2)
    assert [d.homoclave for d in stored.drafts_left_behind] == [CAMPOS]
    assert stored == report_from_json(report_json(stored))


def test_history_is_refused_to_an_operador(demo_ctx: AppContext) -> None:
    with pytest.raises(PermissionDenied):
        config_overview(demo_ctx, OPERADOR)
    with pytest.raises(PermissionDenied):
        applied_report(demo_ctx, OPERADOR, 1)


def test_an_older_version_keeps_its_own_uma(tmp_path: Path, demo_ctx: AppContext) -> None:
    import_bundle_file(demo_ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    with demo_ctx.read() as session:
        assert current_bundle(session).uma_diaria == Decimal("120.00")
        assert uma_for(session, CAMPOS, 1) == Decimal("117.31")  # the bundle that carried v1
        assert uma_for(session, CAMPOS, 2) == Decimal("120.00")
        assert uma_for(session, "HMO-TM-002", 1) == Decimal("120.00")  # still in force


def test_a_failing_report_never_keeps_a_verified_bundle_out(
        tmp_path: Path, demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> ImpactReport:
        raise ArithmeticError("a bug in the report")

    monkeypatch.setattr("desktop.bundles.apply.impact_report", broken)
    import_bundle_file(demo_ctx, write_crafted(tmp_path / "v2.json"), ADMIN)
    overview = config_overview(demo_ctx, ADMIN)
    assert overview.current is not None and overview.current.version == 2
    assert overview.current.summary == "—" and not overview.current.has_report
    with pytest.raises(NotFound, match="no tiene reporte de impacto guardado"):
        applied_report(demo_ctx, ADMIN, 2)
