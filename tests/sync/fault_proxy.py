"""A TCP fault proxy on loopback between the client and central (ARCHITECTURE §12 reliability
suite).

Faults are armed for the next N requests whose first bytes match a prefix (e.g.
b"POST /v1/sync/push"), optionally after letting some matching ones through:
  drop_response   the request reaches the server (which commits), the response never comes back
  reset_mid_body  half of the response's first chunk arrives, then a TCP reset
  middlebox       the request never reaches the server: a captive portal or proxy answers
                  "200 OK" with an HTML page instead
  garbage         the server commits; random bytes come back instead of its answer
  truncation      the server commits; half of its answer arrives, then a clean close (FIN)
  stall           the server commits; its answer is held `stall_seconds` (past the client's
                  read timeout), then the connection is reset
Latency (seconds per forwarded chunk) applies to every connection. `fired` counts faults by kind.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


def _hard_close(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0) so the peer sees a reset, not a clean end. SHUT_RD first
    wakes a thread blocked in recv() on it, which otherwise keeps the socket open."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    with contextlib.suppress(OSError):
        sock.close()


MIDDLEBOX_PAGE = b"<html><body>Bienvenido a la red de invitados</body></html>"
MIDDLEBOX_ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Content-Length: " + str(len(MIDDLEBOX_PAGE)).encode()
                    + b"\r\nConnection: close\r\n\r\n" + MIDDLEBOX_PAGE)


@dataclass
class _Armed:
    fault: str
    prefix: bytes | tuple[bytes, ...]
    remaining: int
    skip: int


@dataclass
class _Link:
    client: socket.socket
    server: socket.socket
    fault: str | None = None
    closed: threading.Event = field(default_factory=threading.Event)
    answered: bool = False  # the proxy itself answered: the client side ends cleanly

    def close(self) -> None:
        self.closed.set()
        if self.answered:
            with contextlib.suppress(OSError):
                self.client.close()
        else:
            _hard_close(self.client)
        _hard_close(self.server)

    def answer_and_close(self, response: bytes) -> None:
        """Answer as the proxy, then close cleanly once the client has read it (no RST that
        could destroy the answer in flight)."""
        self.answered = True
        with contextlib.suppress(OSError):  # before the server goes: its closing wakes the
            self.client.sendall(response)   # downstream thread, which then closes the client
            self.client.shutdown(socket.SHUT_WR)
        _hard_close(self.server)
        with contextlib.suppress(OSError):
            self.client.settimeout(5)
            while self.client.recv(65536):  # the rest of the request, until the client closes
                pass
        with contextlib.suppress(OSError):
            self.client.close()
        self.close()


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.latency = 0.0
        self.stall_seconds = 5.0
        self.faults_fired = 0
        self.fired: Counter[str] = Counter()
        self._armed: _Armed | None = None
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._links: list[_Link] = []
        self.request_lines: list[bytes] = []
        self._running = True
        threading.Thread(target=self._accept_loop, daemon=True, name="fault-proxy").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arm(self, fault: str, prefix: bytes | tuple[bytes, ...] = b"POST /v1/sync/push",
            count: int = 1, skip: int = 0) -> None:
        """Fault the `count` matching requests that follow the next `skip` matching ones."""
        with self._lock:
            self._armed = _Armed(fault, prefix, count, skip)

    def disarm(self) -> None:
        with self._lock:
            self._armed = None

    def seen(self, prefix: bytes) -> int:
        """How many requests starting with `prefix` went through."""
        return sum(1 for line in list(self.request_lines) if line.startswith(prefix))

    def close(self) -> None:
        self._running = False
        with contextlib.suppress(OSError):
            self._listener.close()
        for link in list(self._links):
            link.close()

    def _accept_loop(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                _hard_close(client)
                continue
            server.settimeout(None)
            link = _Link(client, server)
            self._links.append(link)
            threading.Thread(target=self._upstream, args=(link,), daemon=True).start()
            threading.Thread(target=self._downstream, args=(link,), daemon=True).start()

    def _take_fault(self, chunk: bytes) -> str | None:
        with self._lock:
            armed = self._armed
            if armed is None or not chunk.startswith(armed.prefix):
                return None
            if armed.skip > 0:
                armed.skip -= 1
                return None
            armed.remaining -= 1
            if armed.remaining <= 0:
                self._armed = None
            return armed.fault

    def _count(self, fault: str) -> None:
        with self._lock:
            self.faults_fired += 1
            self.fired[fault] += 1

    def _spoil_answer(self, link: _Link, chunk: bytes) -> None:
        """What the client gets instead of the server's answer (whose first chunk is `chunk`)."""
        with contextlib.suppress(OSError):
            if link.fault in ("reset_mid_body", "truncation"):
                link.client.sendall(chunk[: max(1, len(chunk) // 2)])
                link.answered = link.fault == "truncation"  # FIN instead of RST
                if link.answered:
                    link.client.shutdown(socket.SHUT_WR)
            elif link.fault == "garbage":
                link.client.sendall(os.urandom(max(16, len(chunk))))
                link.answered = True
                link.client.shutdown(socket.SHUT_WR)
            elif link.fault == "stall":
                link.closed.wait(self.stall_seconds)

    def _upstream(self, link: _Link) -> None:
        while not link.closed.is_set():
            try:
                chunk = link.client.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            if chunk[:8].split(b" ")[0] in (b"GET", b"POST", b"PUT", b"HEAD"):
                self.request_lines.append(chunk.split(b"\r\n", 1)[0])
            fault = self._take_fault(chunk)
            if fault == "middlebox":
                self._count(fault)
                link.answer_and_close(MIDDLEBOX_ANSWER)
                return
            if fault:
                link.fault = fault
            time.sleep(self.latency)
            try:
                link.server.sendall(chunk)
            except OSError:
                break
        link.close()

    def _downstream(self, link: _Link) -> None:
        while not link.closed.is_set():
            try:
                chunk = link.server.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            if link.fault is not None:
                self._count(link.fault)
                self._spoil_answer(link, chunk)
                break
            time.sleep(self.latency)
            try:
                link.client.sendall(chunk)
            except OSError:
                break
        link.close()
