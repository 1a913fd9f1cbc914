"""Reference central platform (FastAPI): the server side of sync protocol v1 (ARCHITECTURE §7).

Imports nothing of the app except `wire`, the wire contract. Decisions worth knowing:

- All state is in the database (SQLite for a pilot, PostgreSQL for a municipality): the platform
  Ed25519 key pair (PEM in the `platform` row) and attachment blobs (a LargeBinary column) too,
  so several uvicorn workers share nothing else and one backup holds everything.
- The pull scope is the office (its clave); one `scope_counters` row per office orders changes.
- A push re-sent after a lost answer gets `duplicate` for applied mutations and the recorded
  `rejected` + reason for rejected ones (a changed sha256 is flagged as a duplicate).
- An expediente that references attachments not uploaded yet is applied, with a warning in
  `error`; the client uploads them with the idempotent PUT /v1/attachments.
- Pull without `epoch` is accepted (answered with the current epoch); a different epoch → 410
  with `{"detail", "epoch"}`.
- Statuses set by the back office: see `central.models.STATUSES`.

Admin CLI: `python -m central --help`. The schema evolves by Alembic revisions (`central.migrate`).
Test helpers live with the tests: `tests/central_harness.py`.
"""
