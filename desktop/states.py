"""The app's states and their Spanish words, in one place (ARCHITECTURE §6).

The enums are defined once in `localdb/states.py` (the store's CHECK constraints are built from
them) and re-exported here for the layers above `desktop`. Every screen, document and CLI command
takes a state's label from this module: `ui/` for the list, the filters and the detail, the CLI,
and the documents service for what `printing/` puts on paper.
"""

from __future__ import annotations

from localdb.states import EnvioState, ExpedienteStatus, OutboxState, Role

__all__ = [
    "ENVIO_LABELS",
    "ENVIO_QUEUE_LABELS",
    "EXPEDIENTE_STATUS_LABELS",
    "POR_REVISAR",
    "REVIEW_GROUPS",
    "REVIEW_GROUP_LABELS",
    "ROLE_LABELS",
    "STATUS_QUEUE_LABELS",
    "EnvioState",
    "ExpedienteStatus",
    "OutboxState",
    "Role",
    "envio_label",
    "status_label",
]

EXPEDIENTE_STATUS_LABELS: dict[ExpedienteStatus, str] = {
    ExpedienteStatus.CAPTURADO: "Capturado",
    ExpedienteStatus.RECIBIDO: "Recibido",
    ExpedienteStatus.EN_REVISION: "En revisión",
    ExpedienteStatus.VALIDADO: "Validado",
    ExpedienteStatus.DEVUELTO: "Devuelto",
    ExpedienteStatus.RECHAZADO: "Rechazado",
    ExpedienteStatus.RESUELTO: "Resuelto",
    ExpedienteStatus.CANCELADO: "Cancelado",
}

ENVIO_LABELS: dict[EnvioState, str] = {
    EnvioState.PENDIENTE: "Pendiente",
    EnvioState.FALTAN_ANEXOS: "Faltan anexos",
    EnvioState.SINCRONIZADO: "Confirmado",
    EnvioState.RECHAZADO: "Rechazado",
    EnvioState.DEMO: "Demostración",
}

# A demo office has no platform: what waits there is never sent.
DEMO_PENDIENTE_LABEL = "Solo en este equipo"

ROLE_LABELS: dict[Role, str] = {
    Role.OPERADOR: "Operador",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Administrador",
}

# The supervisor's queues, in the order the filters offer them.
STATUS_QUEUE_LABELS: dict[ExpedienteStatus, str] = {
    ExpedienteStatus.CAPTURADO: "Capturados",
    ExpedienteStatus.EN_REVISION: "En revisión",
    ExpedienteStatus.VALIDADO: "Validados",
    ExpedienteStatus.DEVUELTO: "Devueltos",
    ExpedienteStatus.RECHAZADO: "Rechazados",
    ExpedienteStatus.RESUELTO: "Resueltos",
    ExpedienteStatus.CANCELADO: "Cancelados",
}
ENVIO_QUEUE_LABELS: dict[EnvioState, str] = {
    EnvioState.PENDIENTE: "Pendientes de envío",
    EnvioState.RECHAZADO: "Rechazados por la plataforma",
    EnvioState.SINCRONIZADO: "Confirmados por la plataforma",
    EnvioState.DEMO: f"{DEMO_PENDIENTE_LABEL} (demostración)",
}

# The review queue's state strip: "Por revisar" gathers what no one has reviewed yet; every other
# group is one status. Keyed by a plain string (the status value, or "por_revisar").
POR_REVISAR = "por_revisar"
REVIEW_GROUPS: dict[str, tuple[ExpedienteStatus, ...]] = {
    POR_REVISAR: (ExpedienteStatus.CAPTURADO, ExpedienteStatus.RECIBIDO,
                  ExpedienteStatus.EN_REVISION),
    **{status.value: (status,) for status in (
        ExpedienteStatus.DEVUELTO, ExpedienteStatus.VALIDADO, ExpedienteStatus.RECHAZADO,
        ExpedienteStatus.RESUELTO, ExpedienteStatus.CANCELADO)},
}
REVIEW_GROUP_LABELS: dict[str, str] = {
    POR_REVISAR: "Por revisar",
    **{key: STATUS_QUEUE_LABELS[status] for key, (status, *_) in REVIEW_GROUPS.items()
       if key != POR_REVISAR},
}


def status_label(status: str) -> str:
    """The label of a stored status; a value this release does not know is shown as it came."""
    try:
        return EXPEDIENTE_STATUS_LABELS[ExpedienteStatus(status)]
    except ValueError:
        return status.replace("_", " ").capitalize()


def envio_label(state: str, *, demo_office: bool = False) -> str:
    """The label of a stored envío state; on a demo office what waits is never sent."""
    if demo_office and state == EnvioState.PENDIENTE:
        return DEMO_PENDIENTE_LABEL
    try:
        return ENVIO_LABELS[EnvioState(state)]
    except ValueError:
        return state.replace("_", " ").capitalize()
