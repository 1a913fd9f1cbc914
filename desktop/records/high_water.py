"""The data folder's high-water mark, kept OUTSIDE the folder, so a folder put back from an older
copy is noticed at open, without the network (ARCHITECTURE §7, "A window restored from a copy").

Each transaction that hands out a folio or a recibo oficial number, or queues a mutation, raises
a small JSON file under the user's state folder (platformdirs; VENTANILLA_STATE_DIR overrides it)
just before it commits: the highest folio and recibo number handed out per year and the outbox
sequence. One file per data folder, named by a hash of its path (as the CredentialStore scopes
its secrets). It is not in the keyring because, without a secure keyring, secrets live in the
data folder itself and would come back with the copy.

Written before the commit, the mark is never behind what the store handed out: a commit that
then fails leaves a mark one ahead, which costs at most a gap in the folio series, never a
repeated folio. Writers are serialised by the store's write lock (BEGIN IMMEDIATE).

The mark is replaced atomically but not fsync'd (a capture waits for one disk flush less, issue
15): only a crash of the whole machine can then bring back the mark before it, and a mark behind
the store is what a normal open sees and raises (copy_at_open.catch_up_with_mark); the copy it
guards against is older than the last few seconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from desktop.json_file import replace_json
from desktop.paths import APP_NAME

log = logging.getLogger(__name__)

ENV_STATE_DIR = "VENTANILLA_STATE_DIR"
HIGH_WATER = "ventanilla.high_water"
_PENDING = "ventanilla.high_water_pending"
_MUTATION = "mutation"
FOLIOS, RECIBOS = "folios", "recibos"


def state_dir() -> Path:
    chosen = os.environ.get(ENV_STATE_DIR)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Marks:
    """The highest numbers this data folder has handed out."""

    folios: Mapping[int, int] = field(default_factory=dict)  # year → highest folio number
    recibos: Mapping[int, int] = field(default_factory=dict)  # year → highest recibo number
    mutation_id: int = 0  # the outbox sequence

    def raised_to(self, other: Marks) -> Marks:
        return Marks(_highest(self.folios, other.folios), _highest(self.recibos, other.recibos),
                     max(self.mutation_id, other.mutation_id))


def _highest(a: Mapping[int, int], b: Mapping[int, int]) -> dict[int, int]:
    return {year: max(a.get(year, 0), b.get(year, 0)) for year in {*a, *b}}


class HighWaterFile:
    """The mark of one data folder. A file that cannot be read or written is logged, never
    fatal: the platform's check at the start of each sync remains (sync/restore.py)."""

    def __init__(self, data_dir: Path) -> None:
        scope = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        self.path = state_dir() / f"marca-{scope}.json"
        self._lock = threading.Lock()

    def read(self) -> Marks | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Marks({int(y): int(n) for y, n in data[FOLIOS].items()},
                         {int(y): int(n) for y, n in data[RECIBOS].items()},
                         int(data["mutation_id"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.exception("high-water mark %s unreadable; ignored", self.path)
            return None

    def write(self, marks: Marks) -> None:
        """Replace the mark atomically (a crash leaves the old one or the new one)."""
        data = {FOLIOS: {str(y): n for y, n in sorted(marks.folios.items())},
                RECIBOS: {str(y): n for y, n in sorted(marks.recibos.items())},
                "mutation_id": marks.mutation_id}
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                replace_json(self.path, data, durable=False)
            except OSError:
                log.exception("high-water mark %s not written", self.path)

    def raise_to(self, marks: Marks) -> None:
        current = self.read()
        self.write(marks if current is None else current.raised_to(marks))


def note_number(session: Session, series: str, year: int, number: int) -> None:
    """A folio (FOLIOS) or recibo (RECIBOS) number handed out in this session's transaction."""
    pending = session.info.setdefault(_PENDING, {})
    numbers = pending.setdefault(series, {})
    numbers[year] = max(numbers.get(year, 0), number)


def note_mutation(session: Session, mutation_id: int) -> None:
    """A mutation queued in this session's transaction: the outbox sequence moves to its id
    (AUTOINCREMENT: a new id is past every id and sequence value before it)."""
    pending = session.info.setdefault(_PENDING, {})
    pending[_MUTATION] = max(pending.get(_MUTATION, 0), mutation_id)


def install(sessions: sessionmaker[Session], data_dir: Path) -> HighWaterFile:
    """Give the factory's sessions the folder's mark, raised before each commit that noted a
    number (AppContext calls this once)."""
    mark = HighWaterFile(data_dir)
    sessions.configure(info={**(sessions.kw.get("info") or {}), HIGH_WATER: mark})
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_rollback", _forget)
    return mark


def _before_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    mark = session.info.get(HIGH_WATER)
    if not pending or not isinstance(mark, HighWaterFile):
        return
    mark.raise_to(Marks(pending.get(FOLIOS, {}), pending.get(RECIBOS, {}),
                        pending.get(_MUTATION, 0)))


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
