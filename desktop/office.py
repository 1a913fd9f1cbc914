"""Who this machine is: municipio, oficina and ventanilla, demo mode and configuration version.

The counter window shows these in its title, header and status bar; reading them here keeps
`ui/` off `localdb/` (ARCHITECTURE §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from desktop.errors import NotFound
from localdb.models import SyncState

if TYPE_CHECKING:
    from desktop.context import AppContext

NOT_SET_UP = ("Este equipo todavía no tiene oficina asignada. Pida al administrador que lo "
              "enrole con la plataforma o que prepare el modo demostración.")


@dataclass(frozen=True)
class OfficeInfo:
    municipio: str
    oficina: str
    oficina_nombre: str  # falls back to the oficina code when the bundle gave no name
    ventanilla: str
    demo: bool
    config_version: int


def office_is_set_up(session: Session) -> bool:
    """True once the machine has an office: the demo one, or the platform's after enrollment."""
    return session.get(SyncState, 1) is not None


def office_info(session: Session) -> OfficeInfo:
    """The machine's office as recorded at enrollment (or demo set-up)."""
    state = session.get(SyncState, 1)
    if state is None:
        raise NotFound(NOT_SET_UP)
    return OfficeInfo(
        municipio=state.municipio,
        oficina=state.oficina,
        oficina_nombre=state.oficina_nombre or state.oficina,
        ventanilla=state.ventanilla,
        demo=state.demo,
        config_version=state.config_version,
    )


def load_office(ctx: AppContext) -> OfficeInfo:
    """The office in a read transaction of its own (a worker-side call of the views)."""
    with ctx.read() as session:
        return office_info(session)
