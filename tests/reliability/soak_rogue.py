"""A rogue machine for the soak: enrolled in another office, it pushes only poison the whole run —
NaN totals, the victim office's folios, void and payment of the victim's expedientes, malformed
payloads and bodies that are not JSON. Central must reject every one of them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from tests.central.central_client import CounterMachine, enroll_at, mutation
from tests.reliability.soak_children import read_log
from tests.sync.central_server import OFFICE


def _loose_sha256(payload: dict[str, Any]) -> str:
    """The forger's own hash (canonical JSON refuses NaN)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class Rogue:
    def __init__(self, central_url: str, code: str, victim_log: Path, seed: int) -> None:
        self.machine: CounterMachine = enroll_at(central_url, code)
        self.victim_log = victim_log
        self.rng = random.Random(seed)
        self.next_id = 1
        self._victims: list[dict[str, Any]] = []
        self.sent = 0  # poison mutations central answered
        self.garbage_bodies = 0  # pushes whose body was not JSON, answered with a 4xx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="rogue")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _loop(self) -> None:
        while not self._stop.wait(self.rng.uniform(0.2, 0.8)):
            # Central being killed, or an answer cut: try again later.
            with contextlib.suppress(requests.RequestException, ValueError, KeyError):
                self._push_poison()

    def _push_poison(self) -> None:
        if self.rng.random() < 0.15:
            self._push_raw_garbage()
            return
        self._victims = [e for e in read_log(self.victim_log)[-200:] if e["k"] == "create"]
        batch = [self._poison(self.next_id + i) for i in range(self.rng.randint(1, 4))]
        response = self.machine.push(batch)
        if response.status_code == 200:
            self.sent += len(batch)
            self.next_id = int(response.json()["last_mutation_id"]) + 1

    def _push_raw_garbage(self) -> None:
        response = self.machine.http.post(
            self.machine.base_url + "/v1/sync/push", data=os.urandom(self.rng.randint(1, 2048)),
            headers={"Content-Type": "application/json"}, timeout=10)
        if 400 <= response.status_code < 500:
            self.garbage_bodies += 1

    def _poison(self, mutation_id: int) -> dict[str, Any]:
        kind = self.rng.choice(["nan", "victim_folio", "victim_void", "victim_payment",
                                "malformed"])
        victim = self._victim()
        if kind == "nan":
            payload = self.machine.payload(total="150.00")
            payload.update(total=float("nan"),
                           cobros=[{**payload["cobros"][0], "importe": float("nan")}])
        elif kind == "victim_folio":
            payload = self.machine.payload(folio=(victim or {}).get("folio"))
            payload.update(oficina=OFFICE)
        elif kind in ("victim_void", "victim_payment"):
            return self._against_victim(mutation_id, kind, victim)
        else:
            payload = {"uuid": str(uuid.uuid4()), "folio": "<script>", "total": [None, {}],
                       "junk": os.urandom(8).hex()}
        return mutation(mutation_id, payload, sha256=_loose_sha256(payload))

    def _against_victim(self, mutation_id: int, kind: str,
                        victim: dict[str, Any] | None) -> dict[str, Any]:
        target = victim or {"uuid": str(uuid.uuid4()), "folio": "HMO-V01-2026-000001"}
        now = datetime.now().replace(microsecond=0).isoformat()
        if kind == "victim_void":
            payload = {"uuid": target["uuid"], "reason": "Cancelado por un intruso",
                       "voided_by": "intruso", "voided_at": now}
            return mutation(mutation_id, payload, "expediente.void")
        payload = {"uuid": target["uuid"], "folio": target["folio"], "method": "efectivo",
                   "reference": None, "amount": "150.00", "paid_by": "intruso", "paid_at": now}
        return mutation(mutation_id, payload, "expediente.payment")

    def _victim(self) -> dict[str, Any] | None:
        """A leaked record of the victim office: one the victim's capturer logged."""
        return dict(self.rng.choice(self._victims)) if self._victims else None
