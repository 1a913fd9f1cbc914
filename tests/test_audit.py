"""The audit log is a hash chain; the verifier names the first broken row."""

from __future__ import annotations

from desktop.records.audit import append_audit
from desktop.records.audit_verify import verify_chain
from tests.raw_store import raw_store


def _tamper(db_path, sql: str) -> None:
    raw = raw_store(db_path.parent)
    raw.execute("DROP TRIGGER audit_log_no_update")  # an attacker with the file can do this
    raw.execute(sql)
    raw.commit()
    raw.close()


def test_chain_verifies_and_names_first_broken_row(demo_ctx) -> None:
    with demo_ctx.write() as s:
        ids = [append_audit(s, "operador", "prueba", str(i), {"n": i}).id for i in range(5)]
    with demo_ctx.write() as s:
        report = verify_chain(s)
    assert report.ok and report.checked >= 5
    _tamper(demo_ctx.db_path, f"UPDATE audit_log SET detail='{{\"n\": 99}}' WHERE id={ids[2]}")
    with demo_ctx.write() as s:
        report = verify_chain(s)
    assert not report.ok and report.first_broken_id == ids[2]


def test_relinked_row_still_breaks_the_next_one(demo_ctx) -> None:
    with demo_ctx.write() as s:
        ids = [append_audit(s, "admin", "prueba", str(i)).id for i in range(3)]
    _tamper(demo_ctx.db_path, f"UPDATE audit_log SET hash='{'f' * 64}' WHERE id={ids[0]}")
    with demo_ctx.write() as s:
        assert verify_chain(s).first_broken_id == ids[0]
