"""An attacker with a copy of the SQLite file (but not the chain key, held in the credential
store) edits it; `main.py verify-audit`, run as a real process, names what was touched and exits
2. A store used normally — captures, payments, cancellations — passes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text

from desktop.access.credentials import CredentialStore
from desktop.access.permissions import CurrentUser, Role
from desktop.records.audit import GENESIS_HASH, append_audit, row_hash
from desktop.records.audit_key import CREDENTIAL_NAME
from desktop.records.expedientes import cancel_folio
from desktop.records.integrity import recomputed_sha256
from desktop.records.payments import register_payment
from localdb.models import Attachment, AuditEntry, Expediente, SyncState
from tests.cajas import ensure_open_caja
from tests.demo_office import open_demo_office
from tests.raw_store import raw_store
from tests.test_capture import OPERADOR, _request
from tests.test_cli import run

SUPERVISOR = CurrentUser("supervisor", "Supervisor (DEMO)", Role.SUPERVISOR)


@dataclass
class Store:
    data: Path
    folios: list[str]
    last_id: int


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    from desktop.capture.service import capture_expediente

    data = tmp_path / "d"
    ctx = open_demo_office(data)
    folios = [capture_expediente(ctx, OPERADOR, _request(ctx, tmp_path)).folio for _ in range(3)]
    ensure_open_caja(ctx)
    register_payment(ctx, OPERADOR, folios[0], "efectivo")
    cancel_folio(ctx, SUPERVISOR, folios[1], "Datos del solicitante equivocados")
    with ctx.read() as s:
        last_id = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    ctx.close()
    yield Store(data, folios, last_id)


def _raw(data: Path, *sql: str) -> None:
    """What someone with the file can do: drop the append-only triggers and edit."""
    db = raw_store(data)
    db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    db.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    db.execute("DROP TRIGGER IF EXISTS expedientes_answers_immutable")
    for statement in sql:
        db.execute(statement)
    db.commit()
    db.close()


def _verify(data: Path) -> tuple[int, str]:
    done = run(data, "verify-audit")
    return done.returncode, done.stdout + done.stderr


def test_a_store_used_normally_passes(store: Store) -> None:
    code, out = _verify(store.data)
    assert code == 0, out
    assert f"{store.last_id} registros verificados; 3 expedientes coinciden" in out


def test_deleting_the_last_rows_is_named(store: Store) -> None:
    _raw(store.data, f"DELETE FROM audit_log WHERE id > {store.last_id - 2}")
    code, out = _verify(store.data)
    assert code == 2
    assert f"faltan los registros {store.last_id - 1} a {store.last_id}" in out


def test_deleting_every_row_is_named_not_zero_verified(store: Store) -> None:
    _raw(store.data, "DELETE FROM audit_log")
    code, out = _verify(store.data)
    assert code == 2
    assert "0 registros verificados" not in out
    assert f"faltan los registros 1 a {store.last_id}: la bitácora está vacía" in out


def test_editing_a_row_and_rehashing_the_rest_is_named(store: Store) -> None:
    target = store.last_id - 3
    _rewrite_plain_chain(store.data, target, {"motivo": "nada que ver"})
    code, out = _verify(store.data)
    assert code == 2
    assert f"el registro {target} no coincide con la cadena" in out


def test_a_changed_total_names_the_folio(store: Store) -> None:
    _raw(store.data, "UPDATE expedientes SET total_centavos = 1 "
                     f"WHERE folio = '{store.folios[2]}'")
    code, out = _verify(store.data)
    assert code == 2
    assert f"el folio {store.folios[2]} no coincide" in out
    assert store.folios[0] not in out and "Bitácora ALTERADA" not in out


def test_a_changed_answer_with_its_hash_recomputed_names_the_folio(store: Store) -> None:
    """Rewriting content_sha256 too does not help: the keyed capture entry recorded it."""
    ctx = open_demo_office(store.data)
    with ctx.read() as s:
        row = s.scalars(select(Expediente).where(Expediente.folio == store.folios[0])).one()
        s.expunge(row)
        state = s.get_one(SyncState, 1)
        mine = [{"sha256": a.sha256, "filename": a.filename, "mime": a.mime, "size": a.size}
                for a in s.scalars(select(Attachment).where(
                    Attachment.expediente_uuid == row.uuid).order_by(text("rowid")))]
    ctx.close()
    row.nombre = "Otra Persona"
    forged = recomputed_sha256(row, mine, state)
    assert forged is not None
    _raw(store.data, f"UPDATE expedientes SET nombre = 'Otra Persona', content_sha256 = "
                     f"'{forged}' WHERE folio = '{store.folios[0]}'")
    code, out = _verify(store.data)
    assert code == 2 and f"el folio {store.folios[0]} no coincide" in out


def _rewrite_plain_chain(data: Path, target: int, detail: dict[str, str]) -> None:
    """Edit row `target`'s detail and recompute every plain hash from it on, as an attacker
    who read the code (but lacks the key) would; MACs are left as they were."""

    ctx = open_demo_office(data)
    with ctx.read() as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    ctx.close()
    prev = GENESIS_HASH
    updates = []
    for row in rows:
        if row.id == target:
            row.detail = detail
        if row.id >= target:
            row.prev_hash = prev
            row.hash = row_hash(prev, row.at, row.actor, row.action, row.entity, row.detail)
            updates.append(f"UPDATE audit_log SET detail = '{json.dumps(row.detail)}', "
                           f"prev_hash = '{row.prev_hash}', hash = '{row.hash}' "
                           f"WHERE id = {row.id}")
        prev = row.hash
    _raw(data, *updates)


def test_plain_rows_of_older_versions_stay_verifiable_and_bound_to_the_keyed_chain(
        tmp_path: Path) -> None:
    """Rows written before the upgrade (no MAC, no key yet) verify as a plain chain; the first
    keyed row's MAC covers the last plain hash, so rewriting the old rows is caught too."""
    data = tmp_path / "d"
    ctx = open_demo_office(data)
    with ctx.read() as s:
        demo_rows = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    ctx.close()
    assert demo_rows
    # Make the demo rows look like an older version's: no MACs, no key, no anchor.
    CredentialStore(data).delete(CREDENTIAL_NAME)  # the store's own keys stay
    _raw(data, "UPDATE audit_log SET mac = NULL", "DELETE FROM settings WHERE key = 'audit.head'")
    ctx = open_demo_office(data)
    with ctx.write() as s:
        append_audit(s, "admin", "prueba", "x")
    ctx.close()
    code, out = _verify(data)
    assert code == 0, out
    _rewrite_plain_chain(data, 1, {"cambiado": "sí"})
    code, out = _verify(data)
    assert code == 2 and f"el registro {demo_rows + 1} no coincide" in out


def test_status_and_the_start_up_log_warn_the_admin(store: Store) -> None:
    assert "bitacora: íntegra" in run(store.data, "status").stdout
    _raw(store.data, f"DELETE FROM audit_log WHERE id > {store.last_id - 1}")
    status = run(store.data, "status")
    assert status.returncode == 0
    assert f"bitacora: Bitácora ALTERADA: faltan los registros {store.last_id} a " in status.stdout
    log = (store.data / "logs" / "ventanilla.log").read_text(encoding="utf-8")
    assert "audit chain check at start-up failed" in log
