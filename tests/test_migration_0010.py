"""Revision 0010 backfills what a store already knew: each user's last login at this window
(the newest `auth.login` audit entry) and whether the platform's login cached them (any
`user.platform_sync` entry); users never seen stay "never" and local."""

from __future__ import annotations

import secrets
from pathlib import Path

from localdb.engine import make_engine
from localdb.migrate import upgrade_to_head

KEY = secrets.token_bytes(32)
USER = ("INSERT INTO users(username, full_name, role, password_hash, failed_attempts, is_demo, "
        "active) VALUES (?, ?, ?, 'h', 0, 0, 1)")
AUDIT = ("INSERT INTO audit_log(at, actor, action, entity, detail, prev_hash, hash) "
         "VALUES (?, ?, ?, ?, '{}', '0', '1')")


def test_0010_backfills_last_login_and_source_from_the_audit_log(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    engine = make_engine(db, KEY)
    upgrade_to_head(engine, db, KEY, "0009")
    with engine.begin() as conn:
        for name, role in (("ana", "operador"), ("lucia", "supervisor"), ("nadie", "admin")):
            conn.exec_driver_sql(USER, (name, name.capitalize(), role))
        for at, actor, action in (("2026-03-01 09:00:00", "ana", "auth.login"),
                                  ("2026-03-05 10:30:00", "ana", "auth.login"),
                                  ("2026-03-02 08:00:00", "lucia", "user.platform_sync"),
                                  ("2026-03-02 08:00:00", "lucia", "auth.login"),
                                  ("2026-03-09 08:00:00", "nadie", "auth.failed")):
            conn.exec_driver_sql(AUDIT, (at, actor, action, actor))
    upgrade_to_head(engine, db, KEY, "0010")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT username, last_login_at, from_platform FROM users "
                                    "ORDER BY username").all()
        indexes = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'expedientes'")}
    engine.dispose()
    assert [tuple(r) for r in rows] == [("ana", "2026-03-05 10:30:00", 0),
                                        ("lucia", "2026-03-02 08:00:00", 1),
                                        ("nadie", None, 0)]
    assert {"ix_expedientes_status_captured_at",
            "ix_expedientes_created_by_captured_at"} <= indexes
