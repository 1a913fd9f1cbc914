"""Configuration bundles: envelope, signature, schema, referential checks, apply, import, demo."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.apply import (
    apply_bundle,
    current_bundle,
    import_bundle_file,
    read_bundle_file,
    sign_bundle,
    verify_bundle,
    write_bundle_file,
)
from desktop.bundles.catalog import get_tramite, search_tramites
from desktop.bundles.schema import Bundle
from desktop.bundles.signing import bundle_payload, encode_envelope, public_key_pem
from desktop.context import AppContext, open_context
from desktop.demo import DEMO_BUNDLE_PATH, DEMO_PRIVATE_KEY_PATH, DEMO_PUBLIC_KEY_PEM
from desktop.demo.catalogo_demo import build_bundle
from desktop.errors import BundleError, NotFound, PermissionDenied
from desktop.records.audit_verify import verify_chain
from localdb.models import (
    AuditEntry,
    ConfigBundleRecord,
    Dependencia,
    Draft,
    Expediente,
    SyncState,
    Tramite,
)
from wire.canonical import canonical_json

ADMIN = CurrentUser("admin", "Administradora", Role.ADMIN)
OPERADOR = CurrentUser("operador", "Operador", Role.OPERADOR)
DEMO_KEY = DEMO_PRIVATE_KEY_PATH.read_bytes()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(tmp_path / "datos")
    with ctx.write() as s:
        s.add(SyncState(id=1, machine_id="demo", oficina="HMO", ventanilla="V01",
                        platform_public_key=DEMO_PUBLIC_KEY_PEM))
    yield ctx
    ctx.close()


@pytest.fixture
def applied(store: AppContext) -> AppContext:
    """The store with the demo bundle (version 1) in force."""
    import_bundle_file(store, DEMO_BUNDLE_PATH, ADMIN)
    return store


def source(version: int = 1) -> dict[str, Any]:
    data = copy.deepcopy(build_bundle())
    data["version"] = version
    return data


def signed(data: dict[str, Any], key: bytes = DEMO_KEY) -> tuple[bytes, bytes]:
    payload = canonical_json(data)
    return payload, sign_bundle(payload, key)


def write(path: Path, data: dict[str, Any], key: bytes = DEMO_KEY) -> Path:
    write_bundle_file(path, data, key)
    return path


def other_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def tramite_of(data: dict[str, Any], homoclave: str) -> dict[str, Any]:
    return next(t for t in data["tramites"] if t["homoclave"] == homoclave)


def snapshot(ctx: AppContext) -> dict[str, Any]:
    """Everything a bundle may change; compared before and after a refusal."""
    with ctx.write() as s:
        state = s.get(SyncState, 1)
        return {
            "config_version": state.config_version if state else None,
            "tramites": sorted((t.homoclave, t.version, t.active, t.nombre, t.bundle_version)
                               for t in s.scalars(select(Tramite))),
            "dependencias": sorted((d.clave, d.nombre) for d in s.scalars(select(Dependencia))),
            "bundles": sorted(s.scalars(select(ConfigBundleRecord.version))),
        }


# --- the demo bundle -----------------------------------------------------------------------

def test_demo_bundle_verifies_and_applies(store: AppContext) -> None:
    bundle = import_bundle_file(store, DEMO_BUNDLE_PATH, ADMIN)
    with store.write() as s:
        assert s.get_one(SyncState, 1).config_version == bundle.version == 1
        assert len(search_tramites(s)) == len(bundle.tramites) >= 12
        assert current_bundle(s) == bundle
        record = s.get_one(ConfigBundleRecord, 1)
        assert (record.content, record.signature) == read_bundle_file(DEMO_BUNDLE_PATH)
        assert s.get_one(Dependencia, "AGUAH").nombre == "Agua de Hermosillo"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "config.import")).one()
        assert audit.actor == "admin" and audit.detail["version"] == 1
        assert verify_chain(s).ok


def test_committed_demo_bundle_matches_its_source() -> None:
    payload, _ = read_bundle_file(DEMO_BUNDLE_PATH)
    assert payload == bundle_payload(Bundle.model_validate(build_bundle())), (
        "desktop/demo/demo_bundle.json is stale: run scripts/make_demo_bundle.py")


def test_demo_catalogo_covers_every_field_type_and_rule() -> None:
    payload, signature = read_bundle_file(DEMO_BUNDLE_PATH)
    bundle = verify_bundle(payload, signature, DEMO_PUBLIC_KEY_PEM)
    assert bundle.municipio.nombre == "Hermosillo" and bundle.municipio.estado == "Sonora"
    assert len(bundle.dependencias) >= 8 and len(bundle.tramites) >= 12
    tipos = {c.tipo for t in bundle.tramites for c in t.campos}
    assert tipos == {"texto", "numero", "fecha", "seleccion", "booleano", "curp", "rfc", "cp",
                     "telefono", "email", "clave_catastral", "archivo"}
    assert {c.regla.tipo for t in bundle.tramites for c in t.cobros} == {
        "fijo", "por_unidad", "uma", "tramos", "formula"}
    assert {t.nivel_digitalizacion for t in bundle.tramites} == {1, 2, 3, 4}
    for t in bundle.tramites:
        marked = {c.dato_solicitante for c in t.campos}
        assert {"nombre", "curp"} <= marked, t.homoclave
        assert t.requisitos, t.homoclave
    assert any("rfc" in {c.dato_solicitante for c in t.campos} for t in bundle.tramites)
    assert str(bundle.uma_diaria) == "117.31" and bundle.max_anexo_mb == 10


def test_demo_key_is_marked_public_and_matches_the_pinned_demo_key() -> None:
    assert "NOT-SECRET" in DEMO_PRIVATE_KEY_PATH.name
    assert b"NOT SECRET" in DEMO_KEY
    assert public_key_pem(DEMO_KEY) == DEMO_PUBLIC_KEY_PEM


# --- the envelope ---------------------------------------------------------------------------

def test_envelope_written_the_central_way_is_accepted(tmp_path: Path) -> None:
    """central/ signs on its own: plain json + base64 + Ed25519 over canonical JSON."""
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    payload = json.dumps(source(), sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode()
    envelope = {"payload": base64.b64encode(payload).decode(),
                "signature": base64.b64encode(key.sign(payload)).decode()}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(envelope))
    assert verify_bundle(*read_bundle_file(path), pem).version == 1


def test_truncated_file_is_refused(applied: AppContext, tmp_path: Path) -> None:
    data = DEMO_BUNDLE_PATH.read_bytes()
    path = tmp_path / "cortado.json"
    path.write_bytes(data[: len(data) // 2])
    before = snapshot(applied)
    with pytest.raises(BundleError, match="Archivo incompleto o dañado"):
        import_bundle_file(applied, path, ADMIN)
    assert snapshot(applied) == before


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe basura", b"[1, 2]", b'{"payload": "eyJ9"}',
    b'{"payload": 5, "signature": "AAAA"}', b'{"payload": "no*base64", "signature": "AAAA"}',
    b'{"payload": "eyJ9", "signature": "AAAA"}',
])
def test_damaged_envelopes_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "paquete.json"
    path.write_bytes(content)
    with pytest.raises(BundleError, match="Archivo incompleto o dañado"):
        read_bundle_file(path)


def test_missing_file_is_refused_in_spanish(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"No se encontró el archivo «.*no-esta\.json»\. Revise"):
        read_bundle_file(tmp_path / "no-esta.json")


# --- signature ------------------------------------------------------------------------------

def test_tampered_payload_byte_is_refused(applied: AppContext, tmp_path: Path) -> None:
    payload, signature = signed(source(2))
    tampered = payload.replace(b'"117.31"', b'"017.31"', 1)
    assert tampered != payload
    path = tmp_path / "alterado.json"
    path.write_bytes(encode_envelope(tampered, signature))
    before = snapshot(applied)
    with pytest.raises(BundleError, match="La firma del paquete de configuración no es válida"):
        import_bundle_file(applied, path, ADMIN)
    assert snapshot(applied) == before
    with applied.write() as s:
        refused = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "config.import_refused")).one()
        assert "firma" in refused.detail["reason"]


def test_bundle_signed_by_another_key_is_refused(applied: AppContext, tmp_path: Path) -> None:
    path = write(tmp_path / "ajeno.json", source(2), key=other_key())
    before = snapshot(applied)
    with pytest.raises(BundleError, match="La firma del paquete de configuración no es válida"):
        import_bundle_file(applied, path, ADMIN)
    assert snapshot(applied) == before


def test_garbage_pinned_key_is_reported(tmp_path: Path) -> None:
    payload, signature = signed(source())
    with pytest.raises(BundleError, match="llave pública de la plataforma"):
        verify_bundle(payload, signature, "no es una llave")


# --- versions -------------------------------------------------------------------------------

def test_same_version_is_already_applied(applied: AppContext) -> None:
    before = snapshot(applied)
    with pytest.raises(BundleError, match="versión 1 ya está aplicado en este equipo"):
        import_bundle_file(applied, DEMO_BUNDLE_PATH, ADMIN)
    assert snapshot(applied) == before


def test_older_version_is_never_applied(applied: AppContext, tmp_path: Path) -> None:
    import_bundle_file(applied, write(tmp_path / "v5.json", source(5)), ADMIN)
    before = snapshot(applied)
    with pytest.raises(BundleError, match="es de la versión 3 y este equipo ya tiene la versión 5"):
        import_bundle_file(applied, write(tmp_path / "v3.json", source(3)), ADMIN)
    assert snapshot(applied) == before
    assert before["config_version"] == 5


def test_bare_store_without_sync_state_applies_and_still_refuses_downgrades(
        tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "bare")
    try:
        with ctx.write() as s:
            apply_bundle(s, verify_bundle(*signed(source(4)), DEMO_PUBLIC_KEY_PEM),
                         *signed(source(4)))
        with ctx.write() as s, pytest.raises(BundleError, match="ya tiene la versión 4"):
            apply_bundle(s, Bundle.model_validate(source(2)), *signed(source(2)))
        with ctx.write() as s:
            assert current_bundle(s).version == 4
    finally:
        ctx.close()


def test_import_needs_a_pinned_key(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "sin-llave")
    try:
        with pytest.raises(BundleError, match="no tiene registrada la llave"):
            import_bundle_file(ctx, DEMO_BUNDLE_PATH, ADMIN)
    finally:
        ctx.close()


def test_only_admins_import_configuration(store: AppContext) -> None:
    with pytest.raises(PermissionDenied):
        import_bundle_file(store, DEMO_BUNDLE_PATH, OPERADOR)
    assert snapshot(store)["bundles"] == []


def test_current_bundle_on_an_empty_store(store: AppContext) -> None:
    with store.write() as s, pytest.raises(NotFound, match="importe un paquete"):
        current_bundle(s)


# --- schema and referential sanity (all properly signed) -------------------------------------

def _refusal(data: dict[str, Any]) -> str:
    with pytest.raises(BundleError) as info:
        verify_bundle(*signed(data), DEMO_PUBLIC_KEY_PEM)
    return info.value.message


def test_wrong_type_in_a_field_is_refused_naming_it(applied: AppContext,
                                                    tmp_path: Path) -> None:
    data = source(2)
    tramite_of(data, "HMO-TM-001")["plazo_dias"] = "tres"
    before = snapshot(applied)
    with pytest.raises(BundleError, match=r"«tramites\.0\.plazo_dias»: debe ser un número"):
        import_bundle_file(applied, write(tmp_path / "mal.json", data), ADMIN)
    assert snapshot(applied) == before


def test_schema_refusals_speak_spanish() -> None:
    data = source()
    del data["uma_diaria"]
    assert "«uma_diaria»: falta el dato" in _refusal(data)
    data = source()
    data["tramites"][1]["campos"][0]["tipo"] = "color"
    assert "valor no permitido" in _refusal(data)
    data = source()
    data["inesperado"] = 1
    assert "dato no reconocido" in _refusal(data)


def test_signed_payload_that_is_not_json_is_refused() -> None:
    payload = b"{esto no es json"
    with pytest.raises(BundleError, match="no es JSON válido"):
        verify_bundle(payload, sign_bundle(payload, DEMO_KEY), DEMO_PUBLIC_KEY_PEM)


def test_unknown_dependencia_is_refused() -> None:
    data = source()
    tramite_of(data, "HMO-TM-002")["dependencia"] = "BOMBEROS"
    assert _refusal(data) == ("El trámite HMO-TM-002 usa la dependencia BOMBEROS que no existe "
                              "en el paquete.")


def test_duplicate_homoclave_is_refused() -> None:
    data = source()
    data["tramites"].append(copy.deepcopy(data["tramites"][0]))
    assert "repite la homoclave HMO-TM-001" in _refusal(data)


def test_rule_on_a_missing_or_non_numeric_campo_is_refused() -> None:
    data = source()
    tramite_of(data, "HMO-SPM-001")["cobros"][0]["regla"]["campo"] = "tipo_residuo"
    assert "usa el campo tipo_residuo, que no existe o no es numérico" in _refusal(data)
    data = source()
    tramite_of(data, "HMO-TM-001")["cobros"][0]["regla"]["campo"] = "superficie"
    assert "usa el campo superficie" in _refusal(data)


def test_seleccion_without_opciones_is_refused() -> None:
    data = source()
    giro = next(c for c in tramite_of(data, "HMO-TM-003")["campos"] if c["clave"] == "giro")
    giro["opciones"] = []
    assert "el campo giro es de selección y no tiene opciones" in _refusal(data)


@pytest.mark.parametrize(("expresion", "expected"), [
    ("superficie_terreno * nombre", "la fórmula usa nombre, que no son campos numéricos"),
    ("superficie_terreno * tasa", "la fórmula usa tasa"),
    ("round(superficie_terreno)", "operación no permitida (Call)"),
    ("uma.sqrt()", "operación no permitida"),
    ("superficie_terreno ** 2", "operación no permitida (Pow)"),
    ("'texto'", "operación no permitida (Constant)"),
    ("superficie_terreno *", "no se puede interpretar"),
])
def test_formula_only_reads_numeric_campos_and_uma(expresion: str, expected: str) -> None:
    data = source()
    tramite_of(data, "HMO-DUE-001")["cobros"][0]["regla"]["expresion"] = expresion
    assert expected in _refusal(data)


def test_more_referential_refusals() -> None:
    data = source()
    data["min_app_version"] = "99.0"
    assert "requiere Ventanilla 99.0 o posterior" in _refusal(data)
    data = source()
    data["clave_catastral_patron"] = "([0-9"
    assert "clave catastral" in _refusal(data)
    data = source()
    tramos = tramite_of(data, "HMO-TM-001")["cobros"][0]["regla"]["tramos"]
    tramos[0], tramos[1] = tramos[1], tramos[0]
    assert "orden creciente" in _refusal(data)
    data = source()
    tramite_of(data, "HMO-TM-002")["campos"][0]["dato_solicitante"] = None
    assert "no tiene un campo marcado como nombre del solicitante" in _refusal(data)
    data = source()
    tramite_of(data, "HMO-TM-002")["cobros"][0]["cri"] = "derechos"
    assert "la clave CRI «derechos» no es válida" in _refusal(data)


# --- applying new versions -------------------------------------------------------------------

def _pin_draft_and_expediente(ctx: AppContext, homoclave: str) -> None:
    now = datetime(2026, 3, 2, 10, 30)
    with ctx.write() as s:
        s.add(Draft(uuid="d-1", tramite_homoclave=homoclave, tramite_version=1, answers={},
                    requisitos=[], attachments=[], created_by="operador", updated_at=now))
        s.add(Expediente(
            uuid="e-1", folio="HMO-V01-2026-000001", tramite_homoclave=homoclave,
            tramite_version=1, answers={}, requisitos=[], cobros=[], total_centavos=0,
            nombre="Rosa Elena Quiroz", created_by="operador", captured_at=now,
            origin_machine="demo", content_sha256="0" * 64))


def test_new_version_keeps_old_versions_used_by_drafts_and_expedientes(
        applied: AppContext, tmp_path: Path) -> None:
    _pin_draft_and_expediente(applied, "HMO-TM-002")
    data = source(2)
    tramite_of(data, "HMO-TM-002").update(version=2, nombre="Constancia de no adeudo predial")
    data["tramites"] = [t for t in data["tramites"] if t["homoclave"] != "HMO-OCEG-001"]
    import_bundle_file(applied, write(tmp_path / "v2.json", data), ADMIN)
    with applied.write() as s:
        rows = {(t.homoclave, t.version): t for t in s.scalars(select(Tramite))}
        assert rows["HMO-TM-002", 1].active is False
        assert rows["HMO-TM-002", 2].active is True and rows["HMO-TM-002", 2].bundle_version == 2
        assert rows["HMO-OCEG-001", 1].active is False  # withdrawn from the catálogo, kept
        assert get_tramite(s, "HMO-TM-002").nombre == "Constancia de no adeudo predial"
        assert get_tramite(s, "HMO-TM-002", 1).nombre.startswith("Constancia de no adeudo del")
        assert s.get_one(Draft, "d-1").tramite_version == 1
        assert "HMO-OCEG-001" not in {t.homoclave for t in search_tramites(s)}
        assert s.get_one(SyncState, 1).config_version == 2
        assert current_bundle(s).version == 2


def test_unused_old_versions_are_kept_too(applied: AppContext, tmp_path: Path) -> None:
    """Records pulled from other windows may still point at them."""
    data = source(2)
    tramite_of(data, "HMO-SPM-001")["version"] = 2
    import_bundle_file(applied, write(tmp_path / "v2.json", data), ADMIN)
    with applied.write() as s:
        versions = s.scalars(select(Tramite.version).where(
            Tramite.homoclave == "HMO-SPM-001").order_by(Tramite.version)).all()
        assert versions == [1, 2]


def test_a_withdrawn_version_comes_back_active(applied: AppContext, tmp_path: Path) -> None:
    data = source(2)
    data["tramites"] = [t for t in data["tramites"] if t["homoclave"] != "HMO-IMCA-001"]
    import_bundle_file(applied, write(tmp_path / "v2.json", data), ADMIN)
    import_bundle_file(applied, write(tmp_path / "v3.json", source(3)), ADMIN)
    with applied.write() as s:
        assert get_tramite(s, "HMO-IMCA-001").version == 1


# --- atomicity --------------------------------------------------------------------------------

def test_failure_mid_apply_leaves_everything_as_it_was(applied: AppContext,
                                                       tmp_path: Path) -> None:
    """Dependencias are renamed and trámites inserted before the conflicting one is reached."""
    data = source(2)
    data["dependencias"][0]["nombre"] = "Tesorería Municipal (renombrada)"
    tramite_of(data, "HMO-TM-001")["version"] = 2
    tramite_of(data, "HMO-SPM-002")["nombre"] = "Mismo número de versión, otro contenido"
    before = snapshot(applied)
    with pytest.raises(BundleError, match="HMO-SPM-002 versión 1 ya existe en este equipo con "
                                          "otro contenido"):
        import_bundle_file(applied, write(tmp_path / "v2.json", data), ADMIN)
    assert snapshot(applied) == before


def test_database_failure_at_the_last_step_rolls_back_the_savepoint(
        applied: AppContext) -> None:
    """The caller catches the error and commits its own work: none of the bundle sticks."""
    with applied.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER no_more_bundles BEFORE INSERT ON config_bundles "
                          "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    data = source(2)
    data["dependencias"][0]["nombre"] = "Tesorería (no debe quedar)"
    payload, signature = signed(data)
    bundle = verify_bundle(payload, signature, DEMO_PUBLIC_KEY_PEM)
    before = snapshot(applied)
    with applied.write() as s:
        with pytest.raises(Exception, match="disk says no"):
            apply_bundle(s, bundle, payload, signature)
        s.get_one(SyncState, 1).last_error = "otra escritura de la misma transacción"
    assert snapshot(applied) == before
    with applied.write() as s:
        assert s.get_one(SyncState, 1).last_error == "otra escritura de la misma transacción"
