"""How the sync engine tells the rest of the app what it is doing: a plain observer.

ui/ adapts `SyncObserver` to a Qt signal; the engine calls it from the sync thread, so an
observer must only hand the status over (emit a signal, put it in a queue), never block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ConnectionState(StrEnum):
    CONECTADO = "conectado"
    SIN_CONEXION = "sin_conexion"
    SINCRONIZANDO = "sincronizando"
    ERROR = "error"


STATE_LABELS = {
    ConnectionState.CONECTADO: "Conectado",
    ConnectionState.SIN_CONEXION: "Sin conexión",
    ConnectionState.SINCRONIZANDO: "Sincronizando…",
    ConnectionState.ERROR: "Error de sincronización",
}


@dataclass(frozen=True)
class SyncStatus:
    state: ConnectionState
    pending: int
    rejected: int = 0
    message: str = ""
    last_success_at: datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


class SyncObserver(Protocol):
    def on_sync_state(self, state: SyncStatus) -> None: ...


class NullObserver:
    def on_sync_state(self, state: SyncStatus) -> None:
        return None
