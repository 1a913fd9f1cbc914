"""A pulled page's records parsed before its transaction (ARCHITECTURE §7).

While page k is applied, the fetch thread (sync.pull) parses the records of page k+1: each is
validated once against `ExpedientePayload` and turned into its new row's columns, the JSON columns
already encoded as the store writes them, so the page's transaction only decides and writes. The
answers go through the engine's own serialiser (`localdb.engine.json_text`); the requisitos and
cobros, validated models of strings and booleans only, are written by pydantic's serialiser
straight from the models (compact, UTF-8: the same text, at a third of the cost of dumping them
to dicts and encoding those). SQLite releases the GIL while it
writes, so on two cores this work runs beside it. Only what parsed is kept: a record that does
not parse is parsed again inside the transaction, where its error sets it aside as before. The
rows are used only when the office's time zone read in the transaction is the one they were
parsed with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import from_json

from localdb.engine import json_text
from sync.pull_apply import UnusableChange, record_columns, validate_record
from wire.payloads import CobroLinePayload, RequisitoPayload
from wire.protocol import Change

JSON_COLUMNS = ("answers", "requisitos", "cobros")
_REQUISITOS = TypeAdapter(list[RequisitoPayload])
_COBROS = TypeAdapter(list[CobroLinePayload])


@dataclass(frozen=True)
class PreparedRecords:
    zone: str
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # change version → new row
    # change version → the record's data as JSON text, for the changes that came without it
    # from the pull's worker process (sync.pull_fetch): decoded only if it is needed
    texts: dict[int, bytes] = field(default_factory=dict)

    def full(self, change: Change) -> Change:
        """`change` with its data: what is set aside, or applied change by change."""
        text = self.texts.get(change.version)
        if text is None:
            return change
        return Change.model_construct(version=change.version, kind=change.kind,
                                      entity_uuid=change.entity_uuid, data=from_json(text))

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
