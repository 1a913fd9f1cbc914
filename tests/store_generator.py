"""Realistic local stores for the benchmarks (issue 15): N expedientes as a municipality's window
leaves them after months of work.

What a store holds, per expediente, is what the app writes:
  - captured here (about 3 in 4): the `expedientes` row (answers that pass the trámite's
    validation, Mexican names from Faker's es_MX lists with the frequent surnames weighted as in
    Mexico, valid CURPs and RFCs), its FTS row, its `expediente.create` outbox mutation
    (canonical JSON, sha256) — acknowledged, except the newest ones, still pending — and its
    keyed `expediente.capturado` audit entry (hash chain and MAC, as desktop/records/audit.py
    computes them);
  - pulled from the office's other window (V02): the row and its FTS row only, arriving a few
    captures late, so rowid order is not exactly capture order;
  - older expedientes moved by the platform (recibido, en revisión, validado, resuelto…) and a few
    cancelled, as pulls leave them.

How: the app creates the demo office (its migrations, so the schema is always the current one);
a worker process builds the rows (tests/store_rows.py: templates per trámite run through the
app's validation, fees and payload builder, the applicant's fields changing per row) while this
process writes them with bulk SQL, one transaction per chunk (tests/store_bulk_load.py: no fsync
while loading, the FTS index built once at the end, the app's counters kept by its own triggers).
tests/test_store_generator.py proves a generated store passes `verify-audit`'s checks, has the
schema, search index and counters the app would have, and opens and lists in the app.

`cached_store(n)` keeps one generated data folder per size under .deps/bench (BENCH_STORE_DIR
overrides) and copies it for each use: the second run of a benchmark does not generate again.
The worker is spawned (a fresh interpreter): a script that calls `generate_store` needs the
`if __name__ == "__main__":` guard, as multiprocessing requires (pytest has it).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import time
import traceback
from pathlib import Path
from typing import Any

from tests.demo_office import open_demo_office
from tests.store_bulk_load import BulkLoader
from tests.store_rows import Chunk, Finish, RowMaker

GENERATOR_VERSION = 4  # bump when the rows change: cached stores of another version are remade
CHUNK = 20_000
_WAIT_S = 5


def _produce(maker: RowMaker, n: int, out: Any) -> None:
    """The worker: every chunk, then the Finish (or the traceback of what went wrong)."""
    try:
        for item in maker.chunks(n, CHUNK):
            out.put(item)
    except BaseException:  # reported to the writer, which raises it
        out.put(traceback.format_exc())


def generate_store(data_dir: Path, n: int, seed: int = 15) -> None:
    """A demo office in `data_dir` with `n` generated expedientes."""
    ctx = open_demo_office(data_dir)
    try:
        maker = RowMaker(ctx, seed)
    finally:
        ctx.close()
    spawn = multiprocessing.get_context("spawn")  # nothing of this process's state is shared
    rows: Any = spawn.Queue(maxsize=2)
    worker = spawn.Process(target=_produce, args=(maker, n, rows), daemon=True)
    loader = BulkLoader(ctx.db_path, ctx.keys.database)
    try:
        worker.start()
        _load(loader, rows, worker)
    finally:
        loader.close()
        worker.kill()
        worker.join()


def _load(loader: BulkLoader, rows: Any, worker: Any) -> None:
    while True:
        try:
            item = rows.get(timeout=_WAIT_S)
        except queue.Empty:
            if not worker.is_alive():
                raise RuntimeError(f"the row worker died (exit code {worker.exitcode})") from None
            continue
        if isinstance(item, str):
            raise RuntimeError(f"the row worker failed:\n{item}")
        if isinstance(item, Finish):
            loader.finish(item)
            return
        assert isinstance(item, Chunk)
        loader.write(item)


def store_cache_dir() -> Path:
    root = os.environ.get("BENCH_STORE_DIR")
    return Path(root) if root else Path(__file__).resolve().parent.parent / ".deps" / "bench"


def cached_store(n: int, target: Path) -> float:
    """Copy a generated store of `n` expedientes into `target` (generated once, then cached);
    returns the seconds spent generating (0 when it came from the cache)."""
    source = store_cache_dir() / f"store-{n}-g{GENERATOR_VERSION}"
    took = 0.0
    if not (source / "done").exists():
        shutil.rmtree(source, ignore_errors=True)
        started = time.perf_counter()
        generate_store(source, n)
        took = time.perf_counter() - started
        (source / "done").write_text(f"{n} expedientes, {took:.0f} s\n")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("done", "logs"))
    return took
