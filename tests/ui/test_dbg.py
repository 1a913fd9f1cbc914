from PySide6.QtCore import QModelIndex
from ui.expedientes_model import ExpedientesModel
from ui.operations import expedientes_page
from .conftest import settle
from .test_models import _capture_many

def test_x(qtbot, ctx, operador, runner):
    _capture_many(ctx, operador)
    calls = []
    def loader(*args):
        p = expedientes_page(ctx, *args)
        calls.append((args, p.total, len(p.rows)))
        return p
    model = ExpedientesModel(loader, runner, page_size=2)
    model.total_changed.connect(lambda t: calls.append(("total", t)))
    model.reload()
    settle(qtbot, runner)
    print(calls, model.total, model.rowCount())
