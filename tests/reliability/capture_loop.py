"""Child process for the kill -9 test: captures forever, printing each folio once it committed."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.capture.service import capture_expediente
from desktop.context import open_context
from tests.test_capture import OPERADOR, _request


def main(data_dir: str, scratch: str) -> None:
    ctx = open_context(Path(data_dir))
    request = _request(ctx, Path(scratch))
    while True:
        result = capture_expediente(ctx, OPERADOR, request)
        print(result.folio, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
