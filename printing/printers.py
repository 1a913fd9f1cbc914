"""Printer dispatch: `ipp://` URIs go straight to the printer over IPP, anything else is a CUPS
queue printed with `lp`. Failures raise PrintFailed with a Spanish message for the window."""

from __future__ import annotations

import getpass
import logging
import re
import shutil
import subprocess

from printing.ipp import IppError
from printing.ipp_jobs import ABORTED, CANCELED, JobStatus, print_job, wait_for_job

log = logging.getLogger(__name__)

LP_TIMEOUT = 60
_LP_JOB = re.compile(r"request id is (\S+)")
KEEP_SAFE = ("El expediente quedó guardado; puede imprimir el documento más tarde desde la "
             "consulta de expedientes.")


class PrintFailed(Exception):
    """The document did not reach the printer. `message` is Spanish and tells what to do."""

    def __init__(self, printer: str, reason: str) -> None:
        self.printer = printer
        self.reason = reason
        self.message = f"No se pudo imprimir en «{printer}»: {reason}. {KEEP_SAFE}"
        super().__init__(self.message)


def is_ipp_uri(printer: str) -> bool:
    return printer.lower().startswith(("ipp://", "ipps://"))


def print_pdf(pdf: bytes, printer: str, title: str) -> str:
    """Send `pdf` to `printer` (an IPP URI or a CUPS queue name); returns the job id."""
    if not printer.strip():
        raise PrintFailed("sin impresora", "no hay una impresora configurada")
    if is_ipp_uri(printer):
        return _print_ipp(pdf, printer, title)
    return _print_cups(pdf, printer, title)


def _print_ipp(pdf: bytes, uri: str, title: str) -> str:
    """Send over IPP and wait for the printer's verdict; a job still queued counts as sent."""
    user = _user()
    try:
        job_id = print_job(uri, pdf, job_name=title, user=user)
    except IppError as exc:
        log.warning("IPP print to %s failed: %s", uri, exc.reason)
        raise PrintFailed(uri, exc.reason) from exc
    status = wait_for_job(uri, job_id, user=user)
    log.info("IPP job %s on %s: %s %s %s", job_id, uri, status.state_name,
             ",".join(status.reasons), status.message)
    if status.state in (ABORTED, CANCELED):
        raise PrintFailed(uri, _job_failure(status))
    return str(job_id)


def _job_failure(status: JobStatus) -> str:
    if status.state == CANCELED:
        return f"el trabajo {status.job_id} fue cancelado en la impresora"
    detail = ", ".join(r for r in status.reasons if r != "none")  # keywords; the message is English
    return (f"la impresora abortó el trabajo {status.job_id} por un error"
            + (f" ({detail})" if detail else ""))


def _print_cups(pdf: bytes, queue: str, title: str) -> str:
    lp = shutil.which("lp")
    if lp is None:
        raise PrintFailed(queue, "este equipo no tiene el sistema de impresión CUPS")
    try:
        done = subprocess.run([lp, "-d", queue, "-t", title, "-"], input=pdf,
                              capture_output=True, timeout=LP_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PrintFailed(queue, "el sistema de impresión no respondió a tiempo") from exc
    output = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        log.warning("lp -d %s failed (%s): %s", queue, done.returncode,
                    done.stderr.decode("utf-8", "replace").strip())
        raise PrintFailed(queue, "la impresora no existe o no está disponible")
    match = _LP_JOB.search(output)
    return match.group(1) if match else output.strip()


def list_printers() -> list[str]:
    """CUPS queue names (`lpstat -e`); empty when CUPS is absent or not running."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return []
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.decode("utf-8", "replace").splitlines()
            if line.strip()]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ventanilla"
