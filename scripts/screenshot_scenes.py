"""The screens of scripts/screenshots.py, one function each: a role's window driven to the
state the docs show, then saved."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from render_document_samples import write_png
from screenshot_kit import (
    SIZE,
    save,
    save_over,
    settle,
)

from desktop.access.auth import login
from desktop.access.permissions import CurrentUser, Role
from desktop.context import AppContext, open_context
from desktop.demo_setup import bootstrap_if_empty
from desktop.office import load_office
from desktop.records.cajas import open_caja
from desktop.records.staleness import record_contact
from localdb.models import SyncState
from ui.import_dialog import ImportDialog
from ui.login_dialog import LoginDialog
from ui.main_window import EXPEDIENTES, MainWindow
from ui.tasks import TaskRunner


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
    write_png(dialog.pdf_path.read_bytes(), out / "corte-carta.png", dpi=100)
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
    write_png(dialog.pdf_path.read_bytes(), out / "cierre-carta.png", dpi=100)
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


def shoot_config_alone(runner: TaskRunner, out: Path) -> None:
    """Only the configuration screens (`--only config`), on a demo office of their own."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "datos")
        bootstrap_if_empty(ctx)
        shoot_config(ctx, runner, out, Path(tmp))
        runner.wait_for_done()
        ctx.close()
