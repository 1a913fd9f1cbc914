"""The platform's console in a real browser, as its users see it: a dependencia resolves an
expediente and the window receives the status on its next sync; an admin publishes a catálogo
that the window applies, and deactivates a user whom the window's login then refuses; a
dependencia never sees another's expediente; a form without its CSRF token and a locked user are
refused."""

from __future__ import annotations

import json

import pytest
import requests
from selenium.webdriver.common.by import By
from sqlalchemy import select

from central import users
from central.bundles import latest_version
from central.models import User as CentralUser
from central.models import utc_now
from desktop.access.auth import login
from desktop.bundles.apply import current_bundle
from localdb.models import Expediente
from sync.engine import SyncEngine
from sync.machine_token import load_machine_token
from sync.platform_login import platform_check
from tests.browser.conftest import Browser, Platform
from tests.central.console_client import PASSWORD
from tests.sync.machines import capture_many, demo_payload

pytestmark = pytest.mark.browser


def captured_and_synced(platform: Platform, prefix: str) -> str:
    """An expediente of Tesorería (HMO-TM-001) captured at the window and pushed: its folio."""
    [uuid] = capture_many(platform.window, 1, prefix=prefix)
    assert SyncEngine(platform.window).run_once(force=True).ok
    with platform.window.write() as session:
        return session.get_one(Expediente, uuid).folio


def test_dependencia_resolves_an_expediente_and_the_window_receives_it(
        platform: Platform, browser: Browser, tmp_path: object) -> None:
    folio = captured_and_synced(platform, "Rosa Elena Ávila")
    browser.driver.delete_all_cookies()
    browser.open("/consola/")
    assert browser.heading() == "Entrar a la consola"
    browser.screenshot("entrar")

    browser.login("tesoreria")
    browser.fill("q", "rosa elena ávila")
    browser.submit("//button[normalize-space()='Buscar']", by=By.XPATH)
    assert browser.text("total") == "1 expediente" and folio in browser.text()
    browser.screenshot("expedientes")
    browser.submit(folio, by=By.LINK_TEXT)
    assert browser.heading() == f"Expediente {folio}" and browser.text("estado") == "Recibido"

    browser.fill("folio-resuelto", "TES-2026-0101")
    browser.fill("nota-resuelto", "Constancia emitida")
    browser.submit("accion-resuelto")
    assert browser.text("estado") == "Resuelto"
    assert browser.text("folio-oficial") == "TES-2026-0101"
    browser.screenshot("expediente")

    report = SyncEngine(platform.window).run_once(force=True)
    assert report.ok and report.pulled >= 1
    with platform.window.write() as session:
        row = session.scalars(select(Expediente).where(Expediente.folio == folio)).one()
        assert (row.status, row.official_folio, row.status_note) == (
            "resuelto", "TES-2026-0101", "Constancia emitida")


def test_a_dependencia_never_sees_another_dependencias_expediente(
        platform: Platform, browser: Browser) -> None:
    folio = captured_and_synced(platform, "Jesús Quiroz")  # Tesorería's

    browser.login("agua")
    browser.open(f"/consola/expedientes?q={folio}")
    assert browser.text("total") == "0 expedientes"
    browser.open(f"/consola/expedientes/{folio}")
    assert browser.heading() == "Expediente no encontrado"
    assert "Jesús Quiroz" not in browser.driver.page_source


def test_admin_publishes_a_catalogo_and_the_window_applies_it(
        platform: Platform, browser: Browser, tmp_path: object) -> None:
    with platform.db.read() as session:
        version = latest_version(session) + 1
    payload = demo_payload()
    payload["version"] = version
    nuevo = json.loads(json.dumps(payload["tramites"][0]))
    nuevo["homoclave"], nuevo["nombre"] = "HMO-TM-099", "Constancia de prueba de la consola"
    payload["tramites"].append(nuevo)
    bundle_file = tmp_path / "catalogo.json"  # type: ignore[operator]
    bundle_file.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    browser.login("admin1")
    browser.open("/consola/configuracion")
    browser.driver.find_element(By.ID, "archivo").send_keys(str(bundle_file))
    browser.submit("//button[normalize-space()='Revisar antes de publicar']", by=By.XPATH)
    summary = browser.text("resumen")
    assert "Trámites nuevos: 1: HMO-TM-099 (Constancia de prueba de la consola)" in summary
    assert "Trámites retirados: 0" in summary
    browser.screenshot("configuracion-revision")
    browser.submit("publicar")
    assert f"Configuración versión {version} publicada." in browser.text()
    first_row = browser.driver.find_element(By.CSS_SELECTOR, "table.grid tbody tr").text
    assert first_row.startswith(f"{version} (vigente)") and "admin1" in first_row
    browser.screenshot("configuracion")

    assert SyncEngine(platform.window).run_once(force=True).ok
    with platform.window.write() as session:
        assert current_bundle(session).version == version


def test_a_deactivated_user_is_refused_at_the_window(platform: Platform,
                                                     browser: Browser) -> None:
    platform.window.platform_login = platform_check
    assert login(platform.window, "oper", PASSWORD).username == "oper"  # works before

    browser.login("admin1")
    browser.open("/consola/usuarios")
    browser.driver.find_element(By.CSS_SELECTOR, "#u-oper summary").click()
    browser.submit("desactivar-oper")
    assert "Usuario desactivado" in browser.text()
    assert browser.driver.find_element(By.CSS_SELECTOR, "#u-oper .estado").text == "Inactivo"
    browser.screenshot("usuarios")

    token = load_machine_token(platform.window.data_dir)
    refused = requests.post(platform.url + "/v1/auth/login", timeout=10,
                            json={"username": "oper", "password": PASSWORD},
                            headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Usuario o contraseña incorrectos."


def test_a_form_without_its_csrf_token_is_refused(platform: Platform, browser: Browser) -> None:
    browser.login("admin1")
    browser.open("/consola/oficinas")
    browser.fill("clave", "NORTE")
    browser.fill("nombre", "Oficina Norte")
    browser.driver.execute_script(  # what a forged form from another site looks like
        "document.querySelector('form[action=\"/consola/oficinas\"] input[name=csrf]').remove()")
    browser.submit("//button[normalize-space()='Crear oficina']", by=By.XPATH)

    assert browser.heading() == "Formulario rechazado"
    browser.open("/consola/oficinas")
    assert "Oficina Norte" not in browser.text()


def test_a_locked_user_cannot_log_in(platform: Platform, browser: Browser) -> None:
    users.create_user(platform.db, users.NewUser("bloqueada", "auditor", "Marisol Peña",
                                                 PASSWORD))
    for attempt in range(5):
        browser.login("bloqueada", f"adivinando-{attempt}")
        assert "Usuario o contraseña incorrectos." in browser.text()
    browser.login("bloqueada", PASSWORD)  # the right one, too late

    assert browser.heading() == "Entrar a la consola"
    assert "Usuario o contraseña incorrectos." in browser.text()
    with platform.db.read() as session:
        locked_until = session.get_one(CentralUser, "bloqueada").locked_until
    assert locked_until is not None and locked_until > utc_now()


def test_auditor_reads_offices_and_bitacora_without_actions(platform: Platform,
                                                            browser: Browser) -> None:
    captured_and_synced(platform, "Auditoría")
    browser.login("audi")
    browser.open("/consola/oficinas")
    office = browser.text("of-HMO")
    assert office.startswith("HMO · Oficina Centro")
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "section.card table.grid tbody tr")
    assert any("V01" in r.text for r in rows)
    assert not browser.driver.find_elements(By.XPATH, "//button[normalize-space()='Revocar']")
    browser.screenshot("oficinas")

    browser.open("/consola/bitacora")
    assert "Entró a la consola" in browser.text()
    browser.screenshot("bitacora")
