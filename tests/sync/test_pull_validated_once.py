"""A pulled record is validated once, in the fetch thread (sync.pull_prepare), and its prepared
JSON columns are the text the store's own serialiser writes, whatever characters they hold."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import JSON

from desktop.context import AppContext
from sync.pull import pull_changes
from sync.pull_prepare import JSON_COLUMNS, new_row
from sync.pull_records import parse_record
from tests.sync.pull_killed import FilePages
from tests.sync.test_pull_fts_batch import PER_PAGE, _pages
from wire.payloads import ExpedientePayload
from wire.protocol import Change

AWKWARD = 'comillas " barra \\ salto\nfin\ttab \x01 ñandú – “curvas” \u2028 😀 </script>'


def test_each_pulled_record_is_validated_once(demo_ctx: AppContext,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _pages(demo_ctx, 3)
    validated: list[str] = []
    original = ExpedientePayload.model_validate

    def counting(data: Any, **kwargs: Any) -> ExpedientePayload:
        validated.append(data["uuid"])
        return original(data, **kwargs)

    monkeypatch.setattr(ExpedientePayload, "model_validate", counting)
    outcome = pull_changes(demo_ctx, FilePages(pages), max_pages=10)  # type: ignore[arg-type]
    assert outcome.changes == 3 * PER_PAGE
    pulled = [c.entity_uuid for page in pages.values() for c in page.changes]
    assert sorted(validated) == sorted(pulled)  # each once, none twice


def test_prepared_json_is_the_stores_text_for_any_characters(demo_ctx: AppContext) -> None:
    change = next(iter(_pages(demo_ctx, 1).values())).changes[0]
    data = dict(change.data)
    data["requisitos"] = [{**r, "nota": AWKWARD} for r in data["requisitos"]]
    data["cobros"] = [{**c, "concepto": AWKWARD[:300]} for c in data["cobros"]]
    data["answers"] = {**data["answers"], "domicilio": AWKWARD}
    awkward = Change(version=1, kind=change.kind, entity_uuid=change.entity_uuid, data=data)
    encode = JSON().bind_processor(demo_ctx.engine.dialect)  # the store's own serialiser
    assert encode is not None
    _, values = parse_record(awkward, "America/Hermosillo")
    row = new_row(awkward, "America/Hermosillo")
    assert {c: row[c] for c in JSON_COLUMNS} == {c: encode(values[c]) for c in JSON_COLUMNS}
    assert json.loads(row["requisitos"])[0]["nota"] == AWKWARD
