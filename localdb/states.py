"""The states the local store keeps, one StrEnum per column (ARCHITECTURE §6).

Every stored value is a member here; the CHECK constraints of revision 0007 are built from these
enums, and `desktop/states.py` gives each member its one Spanish label. Values are the words
already stored and, for the expediente status and the role, the words the platform sends: they
never change (ARCHITECTURE §2).
"""

from __future__ import annotations

from enum import StrEnum


class ExpedienteStatus(StrEnum):
    """`expedientes.status`: captured here, then moved by the platform."""

    CAPTURADO = "capturado"
    RECIBIDO = "recibido"
    EN_REVISION = "en_revision"
    VALIDADO = "validado"
    DEVUELTO = "devuelto"
    RECHAZADO = "rechazado"
    RESUELTO = "resuelto"
    # A cancelled folio. The stored and wire value stays "anulado": central stores it and sends it
    # in `expediente.status` changes, and deployed windows read it.
    CANCELADO = "anulado"


class EnvioState(StrEnum):
    """`expedientes.sync_state`: how far the expediente got on its way to the platform."""

    PENDIENTE = "pendiente"  # something of it still waits in the outbox
    FALTAN_ANEXOS = "faltan_anexos"  # the platform has the record but not every anexo
    SINCRONIZADO = "sincronizado"  # the platform confirmed the record and its anexos
    RECHAZADO = "rechazado"  # the platform refused one of its mutations
    DEMO = "demo"  # captured on the demo office: never leaves this machine


class OutboxState(StrEnum):
    """`outbox.state`: one mutation's fate on the platform."""

    PENDING = "pending"
    ACKED = "acked"
    REJECTED = "rejected"


class Role(StrEnum):
    """`users.role`, as the platform names it at login."""

    OPERADOR = "operador"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
