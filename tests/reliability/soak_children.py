"""Child processes of the soak (tests.reliability.soak): a capturer and a syncer per window.

    python -m tests.reliability.soak_children capture DATA_DIR LOG QUOTA SEED
    python -m tests.reliability.soak_children sync DATA_DIR MAX_SECONDS SEED

The capturer works through the desktop services as an operador would: expedientes (some with a
scan), payments and cancellations. Each outcome is appended to LOG as one JSON line and fsync'ed
*after* the service returned, so the log holds only what the user was shown as saved. It stops
(exit 0) once LOG holds QUOTA captures, counting those of earlier, killed runs.

The syncer runs the sync engine in a loop with a short client timeout, as the scheduler would,
until MAX_SECONDS pass; it is meant to be killed long before.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from desktop.capture.service import AttachmentInput, capture_expediente
from desktop.context import AppContext, open_context
from desktop.errors import VentanillaError
from desktop.records.expedientes import cancel_folio
from desktop.records.payments import register_payment
from sync.engine import SyncEngine
from sync.http import PlatformClient
from tests.cajas import ensure_open_caja
from tests.factories import PNG_1PX
from tests.sync.machines import ADMIN, ARCHIVO_TRAMITE, OPERADOR, PLAIN_TRAMITE, _request

SCAN_SHARE = 0.3  # of captures carry a scan
PAY_SHARE = 0.35  # of captures are paid right away
VOID_SHARE = 0.08  # of captures cancel one of this run's earlier folios
CLIENT_TIMEOUT = (2.0, 3.0)  # connect, read: a stalled answer costs seconds, not half a minute
MAX_REFUSALS = 6000  # captures refused in a row (a restored copy resyncing) before giving up


class DurableLog:
    """Append-only JSON lines, each fsync'ed before `append` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def append(self, entry: dict[str, Any]) -> None:
        os.write(self._fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode())
        os.fsync(self._fd)


def read_log(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a log (a line cut by a kill has no newline and is not one)."""
    if not path.exists():
        return []
    text = path.read_bytes().decode(errors="replace")
    return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]


def _scan(scratch: Path, rng: random.Random) -> AttachmentInput:
    path = scratch / f"scan-{os.getpid()}-{rng.getrandbits(64):016x}.png"
    path.write_bytes(PNG_1PX + os.urandom(rng.randint(16, 4096)))
    return AttachmentInput(path, "INE frente.png")


def _capture_one(ctx: AppContext, log: DurableLog, scratch: Path, rng: random.Random,
                 serial: int) -> str:
    files = [_scan(scratch, rng)] if rng.random() < SCAN_SHARE else []
    homoclave = ARCHIVO_TRAMITE if files else PLAIN_TRAMITE
    nombre = f"Soak Número {os.getpid()}{serial:06d} Pérez"
    result = capture_expediente(ctx, OPERADOR, _request(ctx, homoclave, files, nombre))
    log.append({"k": "create", "uuid": result.uuid, "folio": result.folio,
                "sha": result.content_sha256, "nombre": nombre})
    for item in files:
        item.path.unlink()
    return result.folio


def _pay_or_void(ctx: AppContext, log: DurableLog, rng: random.Random, folio: str,
                 earlier: list[str]) -> None:
    if rng.random() < PAY_SHARE:
        ensure_open_caja(ctx)
        register_payment(ctx, OPERADOR, folio, "efectivo")
        log.append({"k": "pay", "folio": folio})
    if earlier and rng.random() < VOID_SHARE:
        target = earlier.pop(rng.randrange(len(earlier)))
        cancel_folio(ctx, ADMIN, target, "Captura duplicada en la prueba de fiabilidad")
        log.append({"k": "void", "folio": target})


def capture(data_dir: Path, log_path: Path, quota: int, seed: int) -> int:
    rng = random.Random(seed)
    log = DurableLog(log_path)
    done = sum(1 for e in read_log(log_path) if e["k"] == "create")
    scratch = log_path.parent / f"scratch-{log_path.stem}"
    scratch.mkdir(exist_ok=True)
    ctx = open_context(data_dir)
    earlier: list[str] = []
    refusals = 0
    while done < quota and refusals < MAX_REFUSALS:
        try:
            folio = _capture_one(ctx, log, scratch, rng, done)
        except VentanillaError:  # a restored copy refuses captures until it has resynced
            refusals += 1
            time.sleep(0.05)
            continue
        refusals, done = 0, done + 1
        # A refusal (e.g. a trámite with nothing to pay) is simply not logged.
        with contextlib.suppress(VentanillaError):
            _pay_or_void(ctx, log, rng, folio, earlier)
        earlier.append(folio)
    return 0 if done >= quota else 3


def sync(data_dir: Path, max_seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    ctx = open_context(data_dir)
    engine = SyncEngine(ctx, rng=rng, client_factory=lambda url, token: PlatformClient(
        url, token, timeout=CLIENT_TIMEOUT))
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        engine.run_once(force=True)
        time.sleep(rng.uniform(1.0, 3.0))  # busier than the 60 s scheduler, not a spin
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "capture":
        return capture(Path(argv[1]), Path(argv[2]), int(argv[3]), int(argv[4]))
    if argv[0] == "sync":
        return sync(Path(argv[1]), float(argv[2]), int(argv[3]))
    raise SystemExit(f"unknown child: {argv[0]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
