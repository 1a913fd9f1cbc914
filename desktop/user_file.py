"""Files a person names (a configuration bundle, a paper archive, an answers file, an anexo):
opened without waiting and read never past a limit.

A named pipe or a socket would block the open or the read for good, and a device such as
/dev/zero never ends: `open_user_file` refuses what is not a file's data (a pipe, a socket, a
folder) in Spanish, and `read_user_file` stops one byte past its limit, whatever `stat` says.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from desktop.errors import VentanillaError, os_error_message

_NO_WAIT = getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a pipe must not wait for a writer


def _capitalised(what: str) -> str:
    return what[:1].upper() + what[1:]


def open_user_file(path: Path, what: str) -> BinaryIO:
    """`path` opened for binary reading; VentanillaError (Spanish, naming `what`, e.g. "el
    archivo «x.csv»") when it cannot be read or is a folder, a pipe or a socket."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_WAIT | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise VentanillaError(os_error_message(exc, what)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise VentanillaError(f"{_capitalised(what)} es una carpeta, no un archivo. "
                                  "Elija un archivo.")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise VentanillaError(f"{_capitalised(what)} no es un archivo común (es una tubería "
                                  "o un socket). Elija un archivo guardado en el disco.")
        if _NO_WAIT:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_user_file(path: Path, what: str, max_bytes: int, too_big: str) -> bytes:
    """The bytes of `path`, at most `max_bytes`; VentanillaError(`too_big`) past them, and as
    `open_user_file` when it is not a file that can be read."""
    with open_user_file(path, what) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise VentanillaError(os_error_message(exc, what)) from None
    if len(data) > max_bytes:
        raise VentanillaError(too_big)
    return data
