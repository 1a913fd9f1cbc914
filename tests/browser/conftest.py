"""Browser tests of the platform's console: Debian's chromium, driven by selenium through
Debian's chromium-driver, against `python -m central serve` (a real process) on loopback.

One platform and one browser per module: a SQLite database seeded in-process (offices, the demo
catálogo, a user per role), the serve process, an enrolled window (a real desktop data folder
that syncs with the platform through the sync engine), and a headless chromium.

Set $VENTANILLA_CONSOLE_SCREENSHOTS to a folder (`make screenshots` uses docs/screenshots) to
save each page the tests visit as console-NAME.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from central import admin, users
from central.db import Database
from desktop.context import AppContext
from sync.enroll import enroll
from tests.central.console_client import PASSWORD, PEOPLE
from tests.central.serve_process import ServeProcess
from tests.demo_office import open_demo_office
from tests.sync.central_server import publish_bundle
from tests.sync.machines import ADMIN

SCREENSHOTS_ENV = "VENTANILLA_CONSOLE_SCREENSHOTS"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WAIT_S = 20


@dataclass
class Platform:
    url: str
    db: Database
    window: AppContext


def _gone(element: WebElement) -> Callable[[webdriver.Chrome], bool]:
    """Like ec.staleness_of, but chromium sometimes reports a replaced page's node as "does not
    belong to the document" (a WebDriverException) instead of a stale reference: both mean the
    old page is gone."""

    def check(_driver: webdriver.Chrome) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True
        return False

    return check


class Browser:
    """A chromium tab on the console; every wait is on a condition of the page."""

    def __init__(self, driver: webdriver.Chrome, base_url: str) -> None:
        self.driver, self.base = driver, base_url
        self.wait = WebDriverWait(driver, WAIT_S)

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self._loaded()

    def _loaded(self) -> None:
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def fill(self, field_id: str, text: str) -> None:
        box = self.wait.until(ec.element_to_be_clickable((By.ID, field_id)))
        box.clear()
        box.send_keys(text)

    def submit(self, button: str, *, by: str = By.ID) -> None:
        """Click and wait for the next page (the old one goes stale)."""
        element = self.wait.until(ec.element_to_be_clickable((by, button)))
        html = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait.until(_gone(html))
        self._loaded()

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.driver.delete_all_cookies()
        self.open("/consola/entrar")
        self.fill("usuario", username)
        self.fill("contrasena", password)
        self.submit("//button[normalize-space()='Entrar']", by=By.XPATH)

    def text(self, element_id: str = "contenido") -> str:
        return str(self.wait.until(ec.presence_of_element_located((By.ID, element_id))).text)

    def heading(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "h1").text)

    def screenshot(self, name: str) -> None:
        folder = os.environ.get(SCREENSHOTS_ENV)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(Path(folder) / f"console-{name}.png"))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("consola")
    db_url = f"sqlite:///{folder / 'central.db'}"
    db = Database(db_url)
    admin.init_platform(db)
    admin.create_office(db, "HMO", "Oficina Centro", "Hermosillo")
    admin.create_office(db, "SUR", "Oficina Sur", "Hermosillo")
    publish_bundle(db, 1)
    for username, (role, office, dependencia) in PEOPLE.items():
        users.create_user(db, users.NewUser(username, role, _name(username), PASSWORD, office,
                                            dependencia))
    server = ServeProcess(db_url).wait_ready()
    window = open_demo_office(folder / "ventanilla")
    try:
        enroll(window, ADMIN, server.url, admin.create_enroll_code(db, "HMO", "V01"))
        yield Platform(server.url, db, window)
    finally:
        window.close()
        server.stop()
        db.dispose()


@pytest.fixture(scope="module")
def browser(platform: Platform) -> Iterator[Browser]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are missing: run scripts/system-deps.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,900", "--lang=es-MX", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    # No password manager: its prompts after a login form would race the test's next click.
    options.add_argument("--disable-features=PasswordLeakDetection,PasswordManagerOnboarding,"
                         "AutofillServerCommunication")
    options.add_experimental_option("prefs", {"credentials_enable_service": False,
                                              "profile.password_manager_enabled": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield Browser(driver, platform.url)
    finally:
        driver.quit()


def _name(username: str) -> str:
    return {"admin1": "Lic. Carmen Soto Ruiz", "audi": "C.P. Héctor Luna Ibarra",
            "tesoreria": "Ana Lucía Valenzuela Núñez", "agua": "Ramón Félix Torres",
            "oper": "Beto Peña Molina"}[username]
