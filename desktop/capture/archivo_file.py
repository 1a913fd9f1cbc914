"""The file of `import-archivo`: one expediente of a paper archive per line, CSV or JSON Lines.

Every line carries the paper's `folio_original` and `fecha_original` and the same answers,
requisitos and applicant data as the answers file of `capture --answers`
(desktop/capture/answers_file.py checks each line's structure; there is no second validator):

- **CSV** (`.csv`): a header row; `folio_original`, `fecha_original`, one column per campo
  clave, and one `requisito.CLAVE` column per requisito: `sí` (or `si`, `x`, `1`, `true`) is
  received, `no` is not received, any other text is not received with that text as its nota.
  An empty cell leaves the campo unanswered (and the requisito missing).
- **JSON Lines** (`.jsonl`): one object per line, `{"folio_original": …, "fecha_original": …,
  "answers": {…}, "requisitos": [{"clave", "recibido", "nota"}]}`.

UTF-8 with or without a BOM; dates `dd/mm/aaaa` or `aaaa-mm-dd`. Scans are not imported: a line
naming `attachments` is refused. Lines are numbered as an editor shows them (the CSV header is
line 1); blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop.capture.answers_file import CaptureFile, parse_capture_data
from desktop.errors import VentanillaError
from desktop.user_file import read_user_file

FOLIO, FECHA = "folio_original", "fecha_original"
REQUISITO_PREFIX = "requisito."
RECEIVED = {"sí", "si", "x", "1", "true", "verdadero"}
MAX_FOLIO = 64
MAX_ARCHIVO_FILE_BYTES = 200_000_000  # ~200,000 lines of ~1 KB: read whole, so bounded


@dataclass(frozen=True)
class ArchivoLine:
    number: int
    folio: str
    fecha: date
    capture: CaptureFile


@dataclass(frozen=True)
class BadLine:
    number: int
    reason: str


Parsed = ArchivoLine | BadLine


def read_archivo_file(path: Path, today: date) -> Iterator[Parsed]:
    """Each line of the file, parsed and checked as a structure, in order. A file that cannot be
    read at all (missing, not UTF-8, unknown extension) is a VentanillaError before any line."""
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_lines(text, today)
    if suffix in (".jsonl", ".ndjson"):
        return _json_lines(text, today)
    raise VentanillaError(f"El archivo {path.name} debe ser .csv o .jsonl (JSON Lines).")


def _read_text(path: Path) -> str:
    raw = read_user_file(path, f"el archivo «{path}»", MAX_ARCHIVO_FILE_BYTES,
                         f"El archivo {path.name} es demasiado grande (más de "
                         f"{MAX_ARCHIVO_FILE_BYTES // 1_000_000} MB): divídalo en varios.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise VentanillaError(f"El archivo {path.name} no está en UTF-8 (línea {line}); "
                              "guárdelo como «CSV UTF-8» y vuelva a intentarlo.") from None


def _json_lines(text: str, today: date) -> Iterator[Parsed]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            yield BadLine(number, "no es un objeto JSON válido")
            continue
        if not isinstance(data, dict):
            yield BadLine(number, "no es un objeto JSON ({…})")
            continue
        yield _parsed(number, data, today)


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _csv_lines(text: str, today: date) -> Iterator[Parsed]:
    # A cell past csv's default 128 KB limit stopped the reader, and every line after it went
    # unread and unreported; the file is bounded already, so a long cell is that line's error
    # (its campo's length), and the lines after it are read.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARCHIVO_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in (FOLIO, FECHA) if c not in header]
    if missing:
        raise VentanillaError("La primera línea del CSV debe nombrar las columnas; faltan: "
                              + ", ".join(missing) + ".")
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadLine(start, f"el CSV está mal formado ({exc})")
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield BadLine(start, f"tiene {len(row)} columnas y el encabezado {len(header)}")
            continue
        yield _parsed(start, _csv_record(header, row), today)


def _csv_record(header: list[str], row: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    requisitos: list[dict[str, Any]] = []
    record: dict[str, Any] = {"answers": answers, "requisitos": requisitos}
    for column, cell in zip(header, row, strict=True):
        value = cell.strip()
        if column in (FOLIO, FECHA):
            record[column] = value
        elif column.startswith(REQUISITO_PREFIX):
            if value:
                requisitos.append(_requisito(column.removeprefix(REQUISITO_PREFIX), value))
        elif value:
            answers[column] = value
    return record


def _requisito(clave: str, value: str) -> dict[str, Any]:
    lowered = value.lower()
    if lowered in RECEIVED:
        return {"clave": clave, "recibido": True}
    return {"clave": clave, "recibido": False, "nota": "" if lowered == "no" else value}


def _parsed(number: int, data: dict[str, Any], today: date) -> Parsed:
    data = dict(data)
    folio, fecha = data.pop(FOLIO, None), data.pop(FECHA, None)
    if data.get("attachments"):
        return BadLine(number, "import-archivo no importa anexos (quite «attachments»)")
    data.pop("attachments", None)
    try:
        checked_folio = _folio(folio)
        checked_fecha = _fecha(fecha, today)
        capture = parse_capture_data(data, "El registro")
    except VentanillaError as exc:
        return BadLine(number, exc.message)
    return ArchivoLine(number, checked_folio, checked_fecha, capture)


def _folio(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VentanillaError(f"falta el folio original («{FOLIO}»)")
    if len(value.strip()) > MAX_FOLIO:
        raise VentanillaError(f"el folio original excede {MAX_FOLIO} caracteres")
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        # a control character or a lone surrogate (JSON's "\ud800"): no UTF-8, no platform
        raise VentanillaError("el folio original contiene caracteres no permitidos")
    return value.strip()


def _fecha(value: object, today: date) -> date:
    if not isinstance(value, str) or not value.strip():
        raise VentanillaError(f"falta la fecha original («{FECHA}»)")
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            found = datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
        if found > today:
            raise VentanillaError(f"la fecha original {value.strip()} es posterior a hoy")
        return found
    raise VentanillaError(f"la fecha original «{value.strip()}» no es una fecha dd/mm/aaaa")
