"""The benchmark store generator (tests/store_generator.py) leaves rows the app accepts: the audit
chain and every capture's hash verify, the answers pass the trámite's validation, the outbox
carries what a capture queues, and the store opens and lists newest first."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.capture.validation import validate_answers
from desktop.context import open_context
from desktop.records.audit_verify import verify_chain
from desktop.records.expedientes import count_expedientes, page_expedientes
from desktop.records.integrity import altered_folios
from localdb.models import Expediente, OutboxEntry
from localdb.states import OutboxState
from tests.store_generator import generate_store
from wire.canonical import payload_sha256


def test_generated_store_passes_the_apps_checks(tmp_path: Path) -> None:
    generate_store(tmp_path / "datos", 600)
    ctx = open_context(tmp_path / "datos")
    try:
        with ctx.read() as session:
            report = verify_chain(session)
            checked, altered = altered_folios(session)
            assert report.ok, report.problem
            assert altered == [] and checked > 400  # the captures made here, re-hashed
            assert count_expedientes(session) == 600
            rows = page_expedientes(session, limit=600)
            assert [r.captured_at for r in rows] == sorted((r.captured_at for r in rows),
                                                           reverse=True)
            bundle = current_bundle(session)
            for row in session.scalars(select(Expediente).limit(50)):
                tramite = get_tramite(session, row.tramite_homoclave, row.tramite_version)
                result = validate_answers(tramite, row.answers,
                                          clave_catastral_patron=bundle.clave_catastral_patron)
                assert not result.errors, (row.folio, result.errors)
            outbox = session.scalars(select(OutboxEntry)).all()
            assert len(outbox) == checked
            assert {o.state for o in outbox} == {OutboxState.ACKED, OutboxState.PENDING}
            for entry in outbox:  # what a restore needs: the pending ones whole
                if entry.state == OutboxState.PENDING:
                    assert payload_sha256(json.loads(entry.payload)) == entry.sha256
                else:  # acknowledged: compacted by the store (localdb/counters.py)
                    assert entry.payload == "" and len(entry.sha256) == 64
            surnames = session.scalar(select(func.count()).select_from(Expediente)
                                      .where(Expediente.nombre.like("%Hern_ndez%")))
            assert surnames and surnames > 20  # frequent surnames are frequent
    finally:
        ctx.close()
