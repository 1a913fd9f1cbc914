"""The load generator of tests/bench_polling.py, run in its own process.

    python -m tests.poll_load PLAN.json RESULT.json

One asyncio loop (uvloop) sends every planned visit at its planned moment, open loop: a visit is
its own task, so a slow answer never delays the next visit. Each request opens a new connection
(a window's keep-alive connection has long closed after a minute) and speaks HTTP/1.1 over a raw
stream: no client library, so the generator costs little of the shared cores. A request's latency
runs from the moment it was *due* (the plan's instant, or the end of the visit's push), not from
when it was sent, so a generator falling behind shows in the figures instead of hiding
(coordinated omission); its lag (sent − due) and its own CPU time are reported apart.

The plan (written by the bench): port, epoch, seconds, and per visit its offset in the period,
the machine's token, the gzip push body to send first (or null) and the report headers.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import uvloop


class Results:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.push_latencies: list[float] = []
        self.poll_latencies: list[float] = []
        self.lag: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: list[str] = []

    def record(self, status: int, due: float, push: bool = False) -> None:
        latency = time.perf_counter() - due
        self.latencies.append(latency)
        (self.push_latencies if push else self.poll_latencies).append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1


def _request_bytes(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """One request on a new connection: the status and the body (read by Content-Length)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await reader.readexactly(length) if length else b""
        return status, body
    finally:
        writer.close()


class Visitor:
    def __init__(self, plan: dict[str, Any], results: Results) -> None:
        self.port, self.epoch = plan["port"], plan["epoch"]
        self.results = results

    async def visit(self, visit: dict[str, Any], due: float) -> None:
        self.results.lag.append(time.perf_counter() - due)
        auth = {"Authorization": f"Bearer {visit['token']}", **visit["report"]}
        try:
            if visit["push"] is not None:
                push = bytes.fromhex(visit["push"])
                status, _ = await _exchange(self.port, _request_bytes(
                    "POST", "/v1/sync/push", {**auth, "Content-Type": "application/json",
                                              "Content-Encoding": "gzip"}, push))
                self.results.record(status, due, push=True)
                due = time.perf_counter()  # the poll is due once the push is answered
            cursor = visit["cursor"]
            path = f"/v1/sync/pull?cursor={cursor}&limit=1000&epoch={self.epoch}"
            tag = f'"{self.epoch}:{cursor}"'
            status, body = await _exchange(self.port, _request_bytes(
                "GET", path, {**auth, "If-None-Match": tag}, b""))
            self.results.record(status, due)
            if status == 200:
                json.loads(body)  # a real window parses the page
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.results.errors.append(repr(exc))
            self.results.statuses[0] = self.results.statuses.get(0, 0) + 1


async def run(plan: dict[str, Any]) -> Results:
    results = Results()
    visitor = Visitor(plan, results)
    visits = sorted(plan["visits"], key=lambda v: v["at"])
    tasks: set[asyncio.Task[None]] = set()
    began = time.perf_counter()
    for visit in visits:
        due = began + visit["at"]
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(visitor.visit(visit, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*list(tasks))
    return results


def main(plan_path: str, result_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    results = uvloop.run(run(plan))
    wall = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime - cpu_before.ru_utime) + (usage.ru_stime - cpu_before.ru_stime)
    Path(result_path).write_text(json.dumps({
        "latencies": results.latencies, "push_latencies": results.push_latencies,
        "poll_latencies": results.poll_latencies,
        "lag": results.lag,
        "statuses": results.statuses, "errors": results.errors[:20],
        "wall": wall, "cpu": cpu}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
