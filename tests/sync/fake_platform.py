"""A tiny HTTP server that is NOT central: a captive portal, a broken proxy, a stuck platform.

`answer(method, path)` returns (status, headers, body); every request line is recorded so tests
can count what the client tried.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], bytes]
Responder = Callable[[str, str], Answer]

PORTAL_HTML = (b"<!DOCTYPE html><html><head><title>Bienvenido a la red</title></head>"
               b"<body><form>Acepte los terminos para navegar</form></body></html>")


def captive_portal(_method: str, _path: str) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, PORTAL_HTML


def wrong_json(_method: str, _path: str) -> Answer:
    return 200, {"Content-Type": "application/json"}, b'{"status": "ok", "items": [1, 2, 3]}'


def always_gone(_method: str, path: str) -> Answer:
    if path.startswith("/v1/sync/pull"):
        return 410, {"Content-Type": "application/json"}, b'{"detail": "epoch", "epoch": "e2"}'
    return 404, {"Content-Type": "application/json"}, b'{"detail": "sin configuracion"}'


def busy(retry_after: str) -> Responder:
    def answer(_method: str, _path: str) -> Answer:
        return 503, {"Content-Type": "application/json", "Retry-After": retry_after}, \
            b'{"detail": "ocupada"}'
    return answer


class FakePlatform:
    def __init__(self, responder: Responder, delay: float = 0.0,
                 tls: ssl.SSLContext | None = None) -> None:
        """With `tls` it serves HTTPS with that context's certificate."""
        self.responder = responder
        self.scheme = "https" if tls else "http"
        self.delay = delay
        self.requests: list[str] = []
        self.request_seen = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                fake.requests.append(f"{self.command} {self.path}")
                fake.request_seen.set()
                time.sleep(fake.delay)
                status, headers, body = fake.responder(self.command, self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = _handle

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def count(self, prefix: str) -> int:
        return sum(1 for r in self.requests if r.startswith(prefix))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
