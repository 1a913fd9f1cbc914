"""IPP jobs: send a PDF (retrying while the printer is busy) and wait until the printer says the
job completed, was aborted or was canceled, so a jammed or failing printer is reported."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from printing.ipp import (
    IppError,
    encode_get_job_attributes,
    encode_print_job,
    next_request_id,
    send,
)

log = logging.getLogger(__name__)

BUSY_STATUSES = {0x0502, 0x0507}  # server-error-service-unavailable, server-error-busy
NOT_FOUND = 0x0406  # client-error-not-found: the printer already forgot a finished job
BUSY_WAIT_SECONDS = 30.0
JOB_WAIT_SECONDS = 30.0
CANCELED, ABORTED, COMPLETED = 7, 8, 9  # job-state enum values (RFC 8011 §5.3.7)
TERMINAL_STATES = {CANCELED, ABORTED, COMPLETED}
JOB_STATE_NAMES = {3: "pendiente", 4: "retenido", 5: "imprimiendo", 6: "detenido",
                   CANCELED: "cancelado", ABORTED: "abortado", COMPLETED: "terminado"}
REQUESTED = ("job-state", "job-state-reasons", "job-state-message")


@dataclass(frozen=True)
class JobStatus:
    """The last job state the printer reported; `state` is None if it could not be asked."""

    job_id: int
    state: int | None
    reasons: tuple[str, ...] = ()
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def state_name(self) -> str:
        return JOB_STATE_NAMES.get(self.state or 0, "desconocido")


def print_job(printer_uri: str, document: bytes, *, job_name: str, user: str) -> int:
    """Send one PDF; returns the printer's job-id. A busy printer is retried for up to 30 s."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    delay = 0.25
    while True:
        response = send(printer_uri, encode_print_job(
            printer_uri, document, job_name=job_name, user=user, request_id=next_request_id()))
        if response.status not in BUSY_STATUSES or time.monotonic() + delay > deadline:
            break
        time.sleep(delay)
        delay = min(delay * 2, 4.0)
    if not response.ok:
        message = response.attributes.get("status-message", [""])[0]
        raise IppError(f"la impresora rechazó el trabajo (0x{response.status:04x} {message})")
    if response.job_id is None:
        raise IppError("la impresora no devolvió número de trabajo")
    return response.job_id


def job_status(printer_uri: str, job_id: int, *, user: str) -> JobStatus:
    """One Get-Job-Attributes round trip."""
    response = send(printer_uri, encode_get_job_attributes(
        printer_uri, job_id, user=user, request_id=next_request_id(), requested=REQUESTED))
    if response.status == NOT_FOUND:
        return JobStatus(job_id, COMPLETED, ("job-purged",))
    if not response.ok:
        raise IppError(f"la impresora no informó el estado del trabajo (0x{response.status:04x})")
    state = response.attributes.get("job-state", [None])[0]
    return JobStatus(
        job_id, state if isinstance(state, int) else None,
        tuple(str(r) for r in response.attributes.get("job-state-reasons", [])),
        str(response.attributes.get("job-state-message", [""])[0]))


def wait_for_job(printer_uri: str, job_id: int, *, user: str,
                 timeout: float | None = None, interval: float = 0.2) -> JobStatus:
    """Poll until the job is completed, aborted or canceled, or `timeout` passes.

    Returns the last status seen; an unfinished one means "still queued or printing".
    Losing contact after the job was accepted is not a failure: the job is on the printer.
    """
    deadline = time.monotonic() + (JOB_WAIT_SECONDS if timeout is None else timeout)
    status = JobStatus(job_id, None)
    while True:
        try:
            status = job_status(printer_uri, job_id, user=user)
        except IppError as exc:
            log.warning("job %s on %s: state unknown (%s)", job_id, printer_uri, exc.reason)
            return status
        if status.finished or time.monotonic() + interval > deadline:
            return status
        time.sleep(interval)
        interval = min(interval * 1.5, 2.0)
