"""The office this machine serves, as the window's header and the CLI read it."""

from __future__ import annotations

import pytest

from desktop.context import AppContext
from desktop.errors import NotFound
from desktop.office import NOT_SET_UP, office_info
from localdb.models import SyncState


def test_office_info_reads_the_machine_and_explains_when_it_has_none(
        demo_ctx: AppContext) -> None:
    with demo_ctx.write() as session:
        office = office_info(session)
        assert (office.oficina_nombre, office.ventanilla, office.demo) == (
            "Oficina Centro (DEMO)", "V01", True)
        assert office.config_version == 1
        session.delete(session.get_one(SyncState, 1))
        session.flush()
        with pytest.raises(NotFound) as refused:
            office_info(session)
        assert refused.value.message == NOT_SET_UP
        session.rollback()
