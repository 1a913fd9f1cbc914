"""What a window reports about itself on its sync requests (ARCHITECTURE §7, §11).

Three headers on every request of a sync run, so no request is added: the app version, the
configuration version the window has applied, and its outbox rows not yet sent. Central
validates them with this model (422 in Spanish when malformed) and stores them with the
machine's last-seen time, writing only when something changed or last-seen is due.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from wire.base import Wire

APP_HEADER = "X-Ventanilla-App"
CONFIG_HEADER = "X-Ventanilla-Config"
PENDING_HEADER = "X-Ventanilla-Pendientes"
HEADERS = {"app_version": APP_HEADER, "config_version": CONFIG_HEADER, "pending": PENDING_HEADER}
MAX_INT = 2**31 - 1


class WindowReport(Wire):
    app_version: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z.+_-]+$")
    config_version: int = Field(ge=0, le=MAX_INT)  # the bundle version applied, 0 for none
    pending: int = Field(ge=0, le=MAX_INT)  # outbox rows still to send

    def headers(self) -> dict[str, str]:
        return {header: str(getattr(self, name)) for name, header in HEADERS.items()}

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> WindowReport | None:
        """None when the request carries none of the headers (an older window); raises
        pydantic's ValidationError when they are partial or malformed."""
        values = {name: headers.get(header) for name, header in HEADERS.items()}
        if all(value is None for value in values.values()):
            return None
        return cls.model_validate(values)
