"""A pulled page's records parsed before its transaction (ARCHITECTURE §7).

While page k is applied, the fetch thread (sync.pull) parses the records of page k+1: each is
validated once against `ExpedientePayload` and turned into its new row's columns, the JSON columns
already encoded as the store writes them, so the page's transaction only decides and writes. The
answers go through the engine's own serialiser (`localdb.json_columns.json_text`); the
requisitos and cobros, validated models of strings and booleans only, are written by pydantic's
serialiser straight from the models (compact, UTF-8: the same text, at a third of the cost of
dumping them to dicts and encoding those). SQLite releases the GIL while it
writes, so on two cores this work runs beside it. Only what parsed is kept: a record that does
not parse is parsed again inside the transaction, where its error sets it aside as before. The
rows are used only when the office's time zone read in the transaction is the one they were
parsed with.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from localdb.json_columns import json_text
from sync.pull_records import UnusableChange, record_columns, validate_record
from wire.payloads import CobroLinePayload, RequisitoPayload
from wire.protocol import Change

JSON_COLUMNS = ("answers", "requisitos", "cobros")
_REQUISITOS = TypeAdapter(list[RequisitoPayload])
_COBROS = TypeAdapter(list[CobroLinePayload])


@dataclass(frozen=True)
class PreparedRecords:
    zone: str
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # change version → new row
    # The data of the record changes that came without it from the pull's worker process
    # (sync.pull_fetch), as one pickled list in the order of `thin` (their versions): unpickled
    # only if one of them is needed.
    thin: tuple[int, ...] = ()
    packed: bytes = b""
    _data: dict[int, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    def full(self, change: Change) -> Change:
        """`change` with its data: what is set aside, or applied change by change."""
        if self.packed and not self._data:
            self._data.update(zip(self.thin, pickle.loads(self.packed), strict=True))
        data = self._data.get(change.version)
        if data is None:
            return change
        return Change.model_construct(version=change.version, kind=change.kind,
                                      entity_uuid=change.entity_uuid, data=data)

    def folio(self, change: Change) -> str:
        """The folio of a record change."""
        row = self.rows.get(change.version)
        return str(row["folio"] if row is not None else self.full(change).data.get("folio"))


def new_row(change: Change, zone: str) -> dict[str, Any]:
    """The columns of the row a record change inserts, JSON columns encoded; UnusableChange
    when it cannot be stored."""
    record, total = validate_record(change)
    values = record_columns(record, total, zone,
                            _REQUISITOS.dump_json(record.requisitos).decode(),
                            _COBROS.dump_json(record.cobros).decode())
    values["answers"] = json_text(values["answers"])
    return values


def prepare_records(changes: list[Change], zone: str) -> PreparedRecords:
    prepared = PreparedRecords(zone)
    for change in changes:
        if change.kind == "expediente.record":
            try:
                prepared.rows[change.version] = new_row(change, zone)
            except UnusableChange:
                continue  # parsed again in the transaction, and set aside there
    return prepared
