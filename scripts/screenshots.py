"""Render the main screens to PNG for the docs: `python scripts/screenshots.py docs/screenshots`
(`make screenshots`). A dev tool: it lives outside the shipped packages.

Runs against a throw-away demo office in a temporary folder, offscreen unless a display is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VENTANILLA_CREDENTIALS", "file")  # a throw-away demo office

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from stdnum.mx.curp import calc_check_digit as curp_check_digit

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser, Role
from desktop.bundles.catalog import get_tramite
from desktop.capture.service import CaptureRequest, RequisitoAnswer, capture_expediente
from desktop.context import AppContext, open_context
from desktop.demo_setup import bootstrap_if_empty
from desktop.records.cajas import open_caja
from desktop.records.payments import register_payment
from desktop.records.recibos import cancel_recibo
from desktop.records.staleness import record_contact
from localdb.models import SyncState
from ui.capture_view import CaptureView
from ui.import_dialog import ImportDialog
from ui.login_dialog import LoginDialog
from ui.main_window import CAPTURE, EXPEDIENTES, MainWindow
from ui.operations import load_office
from ui.tasks import TaskRunner
from ui.theme import apply_theme

SIZE = (1280, 800)
TRAMITE = "Constancia de no adeudo del impuesto predial"
GOOD_CURP = "GODE561231HSRRRN00"
SEEDS = (
    ("HMO-AGUAH-002", "Rosa Elena Ávila Durazo", "AIDR750312MSRVRS0",
     {"numero_contrato": "118043"}),
    ("HMO-TM-002", "Jesús Manuel Quiroz Leyva", "QULJ820907HSRRYS0", {"motivo": "credito"}),
    ("HMO-SAY-002", "María José Núñez Ochoa", "NUOM990214MSRXCR0",
     {"colonia": "Centro", "anios_residencia": "6", "motivo": "empleo"}),
    ("HMO-AGUAH-002", "Francisco Javier Romo Ibarra", "ROIF680530HSRMBR0",
     {"numero_contrato": "097512"}),
)
ANSWERS = {"nombre": "Daniela Gómez Encinas", "telefono": "6621234567",
           "email": "daniela.gomez@example.mx", "domicilio": "Blvd. Kino 315, Col. Pitic",
           "cp": "83150", "clave_catastral": "12-345-678", "motivo": "compraventa"}


def _quiet_offscreen(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform's harmless notice
        print(message, file=sys.stderr)


def settle(runner: TaskRunner, *pending: Callable[[], bool], timeout_s: float = 30) -> None:
    """Wait until every task delivered its result and nothing in `pending` is on its way,
    then let the last repaint happen (conditions, not fixed sleeps)."""
    deadline = time.monotonic() + timeout_s
    QTest.qWait(20)
    while not runner.is_idle() or any(p() for p in pending):
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not settle")
        QTest.qWait(20)
    QTest.qWait(80)


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"  {path}")


def save_over(base: QWidget, top: QWidget, path: Path) -> None:
    """A dialog as the user sees it: drawn centred over the window it belongs to."""
    image = base.grab()
    dialog = top.grab()
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(17, 24, 39, 60))
    painter.drawPixmap((image.width() - dialog.width()) // 2,
                       (image.height() - dialog.height()) // 2, dialog)
    painter.end()
    image.save(str(path))
    print(f"  {path}")


def shoot_supervisor(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """A supervisor cancels a folio, then reviews the cancelled ones."""
    window = MainWindow(ctx, login(ctx, "supervisor", "supervisor123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    window.go(EXPEDIENTES)
    settle(runner, window.expedientes.search_pending)
    dialog = window.open_expediente(window.expedientes.model.row_at(1))
    settle(runner, lambda: dialog.view.preview.keys() != ["acuse", "recibo"])
    assert dialog.cancel_bar is not None
    cancel = dialog.cancel_bar.ask()
    cancel.reason.setText("El solicitante pidió otro trámite")
    cancel.password.setText("supervisor123")
    settle(runner)
    save_over(dialog, cancel, out / "09-cancelar-folio.png")
    cancel.submit()
    settle(runner, window.expedientes.search_pending)
    settle(runner, lambda: not dialog.notes.cancelled.isVisible())
    save(dialog, out / "11-folio-cancelado.png")
    dialog.close()
    window.expedientes.filters.choose(status="anulado")
    settle(runner, window.expedientes.search_pending)
    save(window, out / "08-expedientes-cancelados.png")
    window.close()
    shoot_devolucion(ctx, runner, out)


def shoot_corte(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """The operador counts the caja by denomination; the supervisor signs; the corte PDF."""
    window = MainWindow(ctx, login(ctx, "operador", "operador123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    settle(runner)
    dialog = window.open_corte()
    assert dialog is not None
    settle(runner, lambda: dialog.state is None)
    for key, pieces in (("billete_500", 1), ("billete_100", 1), ("moneda_10", 1),
                        ("moneda_5", 1), ("moneda_2", 1)):
        dialog.counts[key].setValue(pieces)
    dialog.supervisor.setText("supervisor")
    dialog.password.setText("supervisor123")
    settle(runner)
    save_over(window, dialog, out / "18-corte-de-caja.png")
    dialog.submit()
    settle(runner, lambda: dialog.pdf_path is None)
    assert dialog.pdf_path is not None
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                        str(dialog.pdf_path), str(Path(folder) / "corte")], check=True)
        shutil.copyfile(Path(folder) / "corte.png", out / "corte-carta.png")
    print(f"  {out / 'corte-carta.png'}")
    window.close()
    shoot_cierre(ctx, runner, out)


def shoot_cierre(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """The supervisor's cierre del día, with a caja opened again and left open (a warning)."""
    open_caja(ctx, login(ctx, "operador", "operador123"), "300.00")
    window = MainWindow(ctx, login(ctx, "supervisor", "supervisor123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    settle(runner)
    dialog = window.open_cierre()
    assert dialog is not None
    settle(runner, lambda: dialog.data is None)
    dialog.submit()
    settle(runner, lambda: dialog.pdf_path is None)
    assert dialog.pdf_path is not None
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                        str(dialog.pdf_path), str(Path(folder) / "cierre")], check=True)
        shutil.copyfile(Path(folder) / "cierre.png", out / "cierre-carta.png")
    print(f"  {out / 'cierre-carta.png'}")
    window.close()


def shoot_devolucion(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """The supervisor returns an expediente with a note; the operador sees why in its detail."""
    folio = return_one(ctx, runner)
    window = MainWindow(ctx, login(ctx, "operador", "operador123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    window.go(EXPEDIENTES)
    settle(runner, window.expedientes.search_pending)
    save(window, out / "12-devuelto-lista.png")
    row = next(r for r in (window.expedientes.model.row_at(i) for i in range(3))
               if r.folio == folio)
    dialog = window.open_expediente(row)
    settle(runner, lambda: not dialog.notes.decision.isVisible())
    save(dialog, out / "13-devuelto-detalle.png")
    dialog.close()
    window.close()


def return_one(ctx: AppContext, runner: TaskRunner) -> str:
    """As the supervisor, Devolver… on the newest expediente still capturado; its folio."""
    window = MainWindow(ctx, login(ctx, "supervisor", "supervisor123"), load_office(ctx), runner)
    window.go(EXPEDIENTES)
    settle(runner, window.expedientes.search_pending)
    dialog = window.open_expediente(window.expedientes.model.row_at(0))
    assert dialog.review_bar is not None
    ask = dialog.review_bar.ask_return()
    assert ask is not None
    ask.note.setText("Falta la firma del solicitante en la solicitud; recábela y vuelva a "
                     "capturar el folio.")
    ask.submit()
    settle(runner, lambda: not dialog.notes.decision.isVisible())
    folio = dialog.folio if hasattr(dialog, "folio") else ask.folio
    dialog.close()
    window.close()
    return str(folio)


# Records pulled from the office's other windows: (ventanilla, operador, nombre, days ago, status)
OTHER_WINDOWS = (
    ("V02", "mlopez", "Guadalupe Soto Valenzuela", 1, "capturado"),
    ("V02", "mlopez", "Ramón Alberto Félix Cota", 1, "devuelto"),
    ("V02", "mlopez", "Ana Sofía Bojórquez Ruiz", 2, "validado"),
    ("V03", "jperez", "Luis Fernando Acuña Moreno", 2, "capturado"),
    ("V03", "jperez", "Karla Patricia Meza Duarte", 3, "en_revision"),
    ("V03", "jperez", "Héctor Iván Gastélum Ochoa", 4, "validado"),
    ("V03", "jperez", "Claudia Ivonne Corral Ríos", 5, "resuelto"),
)


def seed_other_windows(ctx: AppContext) -> None:
    """What pull stores from the office's other windows (a dev tool may write the store)."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from localdb.models import Expediente

    with ctx.write() as session:
        template = session.scalars(select(Expediente).limit(1)).one()
        for n, (ventanilla, operador, nombre, days, status) in enumerate(OTHER_WINDOWS, 1):
            folio = f"HMO-{ventanilla}-{datetime.now().year}-{n:06d}"
            session.add(Expediente(
                uuid=f"0190-demo-{folio}", folio=folio,
                tramite_homoclave=template.tramite_homoclave,
                tramite_version=template.tramite_version, answers=template.answers,
                requisitos=template.requisitos, cobros=template.cobros,
                total_centavos=template.total_centavos, nombre=nombre, curp=None, rfc=None,
                status=status, created_by=operador,
                captured_at=datetime.now().replace(microsecond=0) - timedelta(days=days),
                origin_machine=f"demo-{ventanilla}", content_sha256="0" * 64,
                sync_state="sincronizado"))


def shoot_review_queue(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """The supervisor's home: the office's queue with its counts per state."""
    seed_other_windows(ctx)
    window = MainWindow(ctx, login(ctx, "supervisor", "supervisor123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    queue = window.review_queue
    assert queue is not None
    settle(runner, lambda: queue.loading)
    save(window, out / "14-revision-cola.png")
    window.close()


def shoot_users(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """The administrator's Usuarios: local demo users and one cached from the platform."""
    from desktop.access.auth import PlatformProfile

    login(ctx, "lmorales", "clave-de-lucia",
          platform=lambda u, _p: PlatformProfile(u, "Lucía Morales Tapia", "supervisor"))
    window = MainWindow(ctx, login(ctx, "admin", "admin123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    assert window.users is not None
    window.go(window.page_index(window.users))
    settle(runner, lambda: window.users is not None and window.users.loading)
    save(window, out / "15-usuarios.png")
    window.close()


def shoot_enroll(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    """An administrator of the demo office about to enroll it with the platform."""
    window = MainWindow(ctx, login(ctx, "admin", "admin123"), load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    settle(runner)
    dialog = window.open_enroll()
    assert dialog is not None
    dialog.url.setText("https://plataforma.hermosillo.gob.mx")
    dialog.code.setText("K7QX-4M2P-9TZD")
    settle(runner)
    save_over(window, dialog, out / "10-enrolar.png")
    dialog.reject()
    window.close()


def shoot_stale(runner: TaskRunner, out: Path) -> None:
    """An enrolled window 8 days without the platform: the banner, and a supervisor's extension
    being granted. Its own office (made enrolled by hand: no platform is needed for the look)."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "datos")
        bootstrap_if_empty(ctx)
        with ctx.write() as session:
            state = session.get_one(SyncState, 1)
            state.demo, state.server_url = False, "https://plataforma.hermosillo.gob.mx"
            state.oficina_nombre = "Oficina Centro"
            state.last_success_at = datetime.now() - timedelta(days=8, hours=3)
            state.last_error = "No hay conexión con la plataforma."
            state.last_error_at = datetime.now()
            record_contact(session, state.last_success_at)
        user = CurrentUser("ana", "Ana Lucía Valenzuela", Role.OPERADOR)
        window = MainWindow(ctx, user, load_office(ctx), runner)
        window.resize(*SIZE)
        window.show()
        settle(runner, lambda: not window.stale_banner.isVisible())
        save(window, out / "16-sin-conexion.png")
        dialog = window.stale_banner.ask_extension()
        dialog.username.setText("supervisor")
        dialog.password.setText("supervisor123")
        settle(runner)
        save_over(window, dialog, out / "17-prorroga.png")
        dialog.reject()
        window.close()
        runner.wait_for_done()
        ctx.close()
def shoot_config(ctx: AppContext, runner: TaskRunner, out: Path, tmp: Path) -> None:
    """The administrator's configuration: a bundle file's impact before its password, then the
    view of the configuration in force and its history."""
    from tests.impact_bundles import write_crafted

    admin = login(ctx, "admin", "admin123")
    window = MainWindow(ctx, admin, load_office(ctx), runner)
    window.resize(*SIZE)
    window.show()
    settle(runner)
    dialog = window.open_config()
    settle(runner)
    bundle = write_crafted(tmp / "configuracion-v2.json")
    dialog.preview_file(bundle)
    settle(runner, lambda: dialog.findChild(ImportDialog) is None)
    importer = dialog.findChild(ImportDialog)
    assert isinstance(importer, ImportDialog)
    save_over(window, importer, out / "19-importar-configuracion.png")
    importer.password.setText("admin123")
    importer.submit()
    settle(runner)
    save_over(window, dialog, out / "20-configuracion.png")
    dialog.reject()
    window.close()


def shoot_login(ctx: AppContext, runner: TaskRunner, out: Path) -> None:
    dialog = LoginDialog(ctx, load_office(ctx), runner)
    dialog.show()
    dialog.username.setText("operador")
    settle(runner)
    save(dialog, out / "01-login.png")
    dialog.close()


def seed_expedientes(ctx: AppContext, user: CurrentUser) -> None:
    """A few expedientes captured earlier in the day (the first one already paid), so the list
    looks like a working one."""
    for n, (homoclave, nombre, base, extra) in enumerate(SEEDS):
        answers = {"nombre": nombre, "curp": base + curp_check_digit(base),
                   "telefono": "6622150340", "domicilio": "Calle Rosales 120, Centro",
                   "cp": "83000", "clave_catastral": "03-118-021", **extra}
        with ctx.read() as session:
            tramite = get_tramite(session, homoclave, None)
        claves = {c.clave for c in tramite.campos}
        saved = capture_expediente(ctx, user, CaptureRequest(
            homoclave=homoclave, answers={k: v for k, v in answers.items() if k in claves},
            requisitos=[RequisitoAnswer(r.clave, True) for r in tramite.requisitos]))
        if n == 0:
            open_caja(ctx, user, "500.00")
        if n in (0, 1):
            register_payment(ctx, user, saved.folio, "efectivo")
        if n == 1:  # cashed twice by mistake: the supervisor cancels its recibo
            cancel_recibo(ctx, login(ctx, "supervisor", "supervisor123"), saved.folio,
                          "Cobro registrado dos veces")


def fill_capture(view: CaptureView, curp: str) -> None:
    view.form.set_answers({**ANSWERS, "curp": curp})
    view.form.editor("curp").focus_widget.setFocus()
    view.form.editor("telefono").focus_widget.setFocus()  # leaving CURP shows its error


def sample_image(path: Path) -> Path:
    image = QImage(640, 820, QImage.Format.Format_RGB32)
    image.fill(QColor("#F4F1EA"))
    for y in range(80, 760, 36):
        for x in range(60, 580):
            image.setPixelColor(x, y, QColor("#9AA3AF"))
    image.save(str(path))
    return path


def shoot_config_alone(runner: TaskRunner, out: Path) -> None:
    """Only the configuration screens (`--only config`), on a demo office of their own."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "datos")
        bootstrap_if_empty(ctx)
        shoot_config(ctx, runner, out, Path(tmp))
        runner.wait_for_done()
        ctx.close()


# `--only NAME`: just these screens
ONLY = {"sin-conexion": shoot_stale, "config": shoot_config_alone}


def run(out: Path, only: str | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    qInstallMessageHandler(_quiet_offscreen)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    runner = TaskRunner(app)
    if only is not None:
        ONLY[only](runner, out)
        app.processEvents()
        return
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "datos")
        bootstrap_if_empty(ctx)
        shoot_login(ctx, runner, out)
        user = login(ctx, "operador", "operador123")
        seed_expedientes(ctx, user)
        window = MainWindow(ctx, user, load_office(ctx), runner)
        window.resize(*SIZE)
        window.show()
        settle(runner)
        window.catalog.search_box.setText("constancia")
        settle(runner, window.catalog.search_pending)
        window.catalog.select_tramite(TRAMITE)
        settle(runner)
        save(window, out / "02-catalogo.png")
        window.catalog.detail.capture_button.click()
        settle(runner)
        view = window.capture.capture
        assert view is not None
        fill_capture(view, "GODE561231HSRRRN01")
        settle(runner)
        save(window, out / "03-captura-error.png")
        fill_capture(view, GOOD_CURP)
        view.requisitos.check_all()
        view.anexos.add_files([sample_image(Path(tmp) / "identificacion.png")])
        settle(runner, view.anexos.is_inspecting)
        view.scroll_to_bottom()
        save(window, out / "04-captura-lista.png")
        view.save()
        settle(runner, lambda: window.capture.saved is None)
        saved = window.capture.saved
        assert saved is not None
        settle(runner, lambda: saved.preview.keys() != ["acuse", "recibo"])
        save(window, out / "05-expediente-guardado.png")
        window.go(EXPEDIENTES)
        settle(runner, window.expedientes.search_pending)
        save(window, out / "06-expedientes.png")
        window.go(CAPTURE)
        window.lock(idle=True)
        settle(runner)
        save(window, out / "07-sesion-bloqueada.png")
        window.unlock()
        window.close()
        shoot_supervisor(ctx, runner, out)
        shoot_review_queue(ctx, runner, out)
        shoot_users(ctx, runner, out)
        shoot_corte(ctx, runner, out)
        shoot_enroll(ctx, runner, out)
        shoot_config(ctx, runner, out, Path(tmp))
        runner.wait_for_done()
        ctx.close()
    shoot_stale(runner, out)
    app.processEvents()


def main(argv: list[str]) -> int:
    """`screenshots.py [OUT] [--only NAME]` (NAME one of ONLY's keys)."""
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    rest = [a for a in argv[1:] if a not in ("--only", only)]
    out = Path(rest[0] if rest else "docs/screenshots")
    print(f"Capturas de pantalla en {out}:")
    run(out, only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
