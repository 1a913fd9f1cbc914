"""A loopback TCP server that accepts every connection, reads whatever the client sends, and
never answers: a platform or printer that hangs. `release()` cuts every connection and stops
listening, so the hung client gets its error at once (and any retry is refused)."""

from __future__ import annotations

import contextlib
import socket
import threading


class HungServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, name="hung-accept", daemon=True)]
        self._threads[0].start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ipp_uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    @property
    def connections(self) -> int:
        """How many clients are (or were) waiting for an answer."""
        with self._lock:
            return len(self._connections)

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self._listener.accept()
            except OSError:  # the listener was closed: released
                return
            with self._lock:
                self._connections.append(conn)
                reader = threading.Thread(target=self._drain, args=(conn,), daemon=True)
                self._threads.append(reader)
            reader.start()

    @staticmethod
    def _drain(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while conn.recv(65536):
                pass

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._listener.close()
        self._threads[0].join(timeout=5)  # no connection is accepted after this
        with self._lock:
            connections, readers = list(self._connections), self._threads[1:]
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        for reader in readers:
            reader.join(timeout=5)

    def __enter__(self) -> HungServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
