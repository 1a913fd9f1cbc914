"""What can go wrong while talking to the platform, each with a Spanish message for the user.

The engine turns these into a sync report and the observer's state; `transient` says whether the
timer should simply try again later (backoff) or a person has to act.
"""

from __future__ import annotations

from desktop.errors import VentanillaError

KEPT_LOCALLY = "los expedientes quedan guardados en este equipo y se enviarán después."


def _rebuilt(cls: type[SyncError], args: tuple[object, ...],
             state: dict[str, object]) -> SyncError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class SyncError(VentanillaError):
    """Base of sync failures; nothing local was changed by the failed step."""

    transient = True

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as it is (its message and attributes), whatever its constructor takes: a pull
        page's fetch fails in a worker process and is raised again in the window's
        (sync.pull_worker)."""
        return _rebuilt, (type(self), self.args, dict(self.__dict__))


class ServerUrlRefused(SyncError):
    """The configured address is not allowed (plain HTTP to a non-loopback host, bad syntax)."""

    transient = False


class PlatformUnreachable(SyncError):
    """No answer: network down, DNS, refused connection, timeout, connection reset."""

    def __init__(self, detail: str = "", never_connected: bool = False) -> None:
        super().__init__(f"Sin conexión con la plataforma: {KEPT_LOCALLY}")
        self.detail = detail
        # True when not even a connection was made (refused, DNS, connect timeout): the platform
        # is out of reach, as opposed to an answer lost on the way back.
        self.never_connected = never_connected


class TlsFailure(SyncError):
    """The HTTPS certificate could not be verified; retrying will not fix it by itself."""

    transient = False

    def __init__(self) -> None:
        super().__init__(
            "No se pudo verificar el certificado HTTPS de la plataforma. Revise la dirección "
            f"configurada o avise a soporte; {KEPT_LOCALLY}"
        )


class PlatformBusy(SyncError):
    """HTTP 429 or 5xx: a transient fault on the platform's side; Retry-After may say when."""

    def __init__(self, status: int, retry_after: str | None = None) -> None:
        super().__init__(
            f"La plataforma tiene una falla temporal (HTTP {status}); se reintentará "
            f"automáticamente y {KEPT_LOCALLY}"
        )
        self.status = status
        self.retry_after = retry_after


class GarbageResponse(SyncError):
    """A response we cannot trust: HTML from a captive portal, non-JSON, wrong schema, redirect."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "La plataforma respondió algo que no se reconoce (¿red con página de acceso o "
            f"dirección equivocada?). No se guardó nada de esa respuesta; {KEPT_LOCALLY}"
        )
        self.detail = detail


class MachineNotAuthorized(SyncError):
    """401/403, or no token in the credential store: an administrator must enroll again."""

    transient = False

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "La plataforma no reconoce la credencial de este equipo. Un administrador debe "
            f"enrolarlo de nuevo; {KEPT_LOCALLY}"
        )
        self.detail = detail


class RequestRefused(SyncError):
    """A 4xx the platform gives for a request it will not accept as is."""

    transient = False

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"La plataforma rechazó la solicitud (HTTP {status}): {detail}")
        self.status = status
        self.detail = detail


class EpochChanged(SyncError):
    """HTTP 410 on pull: the platform's history was reset; the pull cursor must start over."""

    def __init__(self, epoch: str | None) -> None:
        super().__init__(
            "La plataforma reinició su historial de cambios; se volverá a descargar desde el "
            "principio."
        )
        self.epoch = epoch


class OutOfSequence(SyncError):
    """The platform stopped a push at a gap in our mutation numbers; it needs attention."""

    def __init__(self, expected_after: int, sent_from: int) -> None:
        super().__init__(
            f"La plataforma esperaba el envío siguiente al número {expected_after} y este equipo "
            f"envió desde el {sent_from}. Se reintentará; si persiste, avise a soporte."
        )
        self.expected_after = expected_after
        self.sent_from = sent_from


class NotEnrolled(SyncError):
    """Demo mode or no server configured: there is nothing to sync with."""

    transient = False

    def __init__(self) -> None:
        super().__init__(
            "Este equipo no está enrolado con una plataforma (modo demostración): los expedientes "
            "quedan solo en este equipo."
        )
