"""The soak's oracle: what the capture logs say was saved, against what central and the windows
hold once everything has drained. Every count in `Verdict.failures` must be zero."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.raw_store import raw_store
from tests.reliability.soak_children import read_log
from tests.sync.central_server import OFFICE


@dataclass(frozen=True)
class CentralRow:
    folio: str
    sha: str
    status: str
    paid: bool
    nombre: str
    scans: tuple[str, ...]


@dataclass
class Verdict:
    failures: dict[str, int] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, name: str, bad: list[str]) -> None:
        self.failures[name] = len(bad)
        self.examples[name] = sorted(bad)[:5]

    @property
    def ok(self) -> bool:
        return not any(self.failures.values())


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def central_rows(db: sqlite3.Connection) -> dict[str, CentralRow]:
    rows = db.execute("SELECT uuid, folio, content_sha256, status, paid_at, payload "
                      "FROM expedientes WHERE office = ?", (OFFICE,))
    out = {}
    for uuid, folio, sha, status, paid_at, raw in rows:
        payload = json.loads(raw)
        scans = tuple(a["sha256"] for a in payload.get("attachments") or [])
        out[uuid] = CentralRow(folio, sha, status, paid_at is not None, payload["nombre"], scans)
    return out


def held_scans(db: sqlite3.Connection) -> set[str]:
    """Blobs central holds for the office, whose bytes hash to their name."""
    rows = db.execute("SELECT a.sha256, a.content FROM attachments a JOIN attachment_holders h "
                      "ON h.sha256 = a.sha256 WHERE h.office = ?", (OFFICE,))
    return {sha for sha, content in rows if hashlib.sha256(content).hexdigest() == sha}


def _logged(logs: list[Path]) -> dict[str, list[dict[str, Any]]]:
    by_kind: dict[str, list[dict[str, Any]]] = {"create": [], "pay": [], "void": []}
    for path in logs:
        for entry in read_log(path):
            by_kind[entry["k"]].append(entry)
    return by_kind


@dataclass(frozen=True)
class LocalState:
    expedientes: dict[str, str]  # uuid → content_sha256
    not_acked: list[str]
    not_synced: list[str]
    set_aside: int
    scans: set[str]
    integrity: str


def local_state(data_dir: Path) -> LocalState:
    with closing(raw_store(data_dir)) as db:
        expedientes = dict(db.execute("SELECT uuid, content_sha256 FROM expedientes"))
        not_acked = [f"{data_dir.name}: outbox {i} {k} {s}" for i, k, s in db.execute(
            "SELECT mutation_id, kind, state FROM outbox WHERE state != 'acked'")]
        not_synced = [f"{data_dir.name}: {f} {s}" for f, s in db.execute(
            "SELECT folio, sync_state FROM expedientes WHERE sync_state != 'sincronizado'")]
        set_aside = db.execute("SELECT count(*) FROM set_aside_changes").fetchone()[0]
        scans = {s for (s,) in db.execute("SELECT sha256 FROM attachments")}
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    return LocalState(expedientes, not_acked, not_synced, int(set_aside), scans, integrity)


def judge(central_db: Path, logs: list[Path], windows: list[Path], rogue_id: str) -> Verdict:
    logged = _logged(logs)
    locals_ = [local_state(d) for d in windows]
    with closing(_connect(central_db)) as db:
        central = central_rows(db)
        scans = held_scans(db)
        mutations = db.execute("SELECT machine_id, kind, entity_uuid, status FROM mutations"
                               ).fetchall()
        foreign = db.execute("SELECT count(*) FROM expedientes WHERE office != ?",
                             (OFFICE,)).fetchone()[0]
    verdict = Verdict()
    _records(verdict, logged, central, locals_)
    _stuck(verdict, locals_, mutations, rogue_id)
    _scans(verdict, central, locals_, scans)
    _poison(verdict, mutations, rogue_id, int(foreign))
    verdict.figures.update(
        records=len(logged["create"]), payments=len(logged["pay"]), voids=len(logged["void"]),
        on_central=len(central), scans_on_central=len({s for r in central.values()
                                                      for s in r.scans}),
        rogue_rejected=sum(1 for m, _, _, s in mutations if m == rogue_id and s == "rejected"))
    return verdict


def _records(verdict: Verdict, logged: dict[str, list[dict[str, Any]]],
             central: dict[str, CentralRow], locals_: list[LocalState]) -> None:
    creates = logged["create"]
    held = {u: s for state in locals_ for u, s in state.expedientes.items()}
    lost = {e["uuid"]: e["folio"] for e in creates if e["uuid"] not in central}
    lost.update({u: f"{u} (only in a window)" for u, s in held.items()
                 if u not in central and u not in lost})
    verdict.fail("lost", list(lost.values()))
    verdict.fail("changed", [e["folio"] for e in creates if e["uuid"] in central and (
        central[e["uuid"]].sha, central[e["uuid"]].folio) != (e["sha"], e["folio"])]
        + [f"{u} (window copy differs)" for u, s in held.items()
           if u in central and central[u].sha != s])
    by_folio = {r.folio: r for r in central.values()}
    verdict.fail("payments_missing", [e["folio"] for e in logged["pay"]
                                      if not getattr(by_folio.get(e["folio"]), "paid", False)])
    verdict.fail("voids_missing", [e["folio"] for e in logged["void"] if getattr(
        by_folio.get(e["folio"]), "status", "") != "anulado"])
    names = Counter(r.nombre for r in central.values())
    unheld = [f"{r.folio} only on central" for u, r in central.items() if u not in held]
    verdict.fail("duplicated", [n for n, c in names.items() for _ in range(c - 1)] + unheld)


def _stuck(verdict: Verdict, locals_: list[LocalState], mutations: list[Any],
           rogue_id: str) -> None:
    applied = Counter((m, k, e) for m, k, e, s in mutations if s == "applied")
    verdict.fail("stuck", [x for s in locals_ for x in s.not_acked + s.not_synced]
                 + [f"{m[:8]} {k} {e} rejected" for m, k, e, s in mutations
                    if s == "rejected" and m != rogue_id]
                 + [f"set aside: {s.set_aside}" for s in locals_ if s.set_aside])
    verdict.failures["duplicated"] += sum(c - 1 for c in applied.values())
    verdict.fail("corrupt", [s.integrity for s in locals_ if s.integrity != "ok"])


def _scans(verdict: Verdict, central: dict[str, CentralRow], locals_: list[LocalState],
           held: set[str]) -> None:
    wanted = {s for r in central.values() for s in r.scans} | {
        s for state in locals_ for s in state.scans}
    verdict.fail("missing_scans", sorted(wanted - held))


def _poison(verdict: Verdict, mutations: list[Any], rogue_id: str, foreign: int) -> None:
    accepted = [f"{k} {e}" for m, k, e, s in mutations if m == rogue_id and s != "rejected"]
    verdict.fail("poison_accepted", accepted + [f"{foreign} foreign rows"] * bool(foreign))
