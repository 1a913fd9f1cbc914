"""Secrets at rest (ARCHITECTURE §10): what an attacker with a copy of the disk sees.

The store is SQLCipher (plain `sqlite3` reads nothing, no CURP in the bytes of the file or its
WAL), the scans are AES-GCM (no byte of the original on disk), and the app still reads both. A
store made before encryption is encrypted in place on open, with nothing lost.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from sqlalchemy import func, select

from desktop.access.credentials import ENV_BACKEND, CredentialStore
from desktop.access.store_keys import DATABASE_KEY, StoreKeyMissing, StoreKeyWrong
from desktop.capture.blob_upgrade import SEALED_MARKER
from desktop.capture.blobs import BlobDamaged, blob_path, read_blob, store_file
from desktop.capture.drafts import DraftInput, load_draft, save_draft
from desktop.capture.service import AttachmentInput, capture_expediente
from desktop.context import AppContext, open_context
from localdb.at_rest import PLAIN_HEADER, is_plain_sqlite
from localdb.engine import make_engine
from localdb.migrate import backup_database
from localdb.models import Attachment, Expediente, OutboxEntry
from sync.attachments import upload_blobs
from tests.demo_office import open_demo_office
from tests.factories import make_curp
from tests.plain_store import open_plain_office
from tests.test_capture import OPERADOR, _request
from tests.test_credentials import MemoryKeyring

CURP = make_curp("GOMA750315MDFRRN0")
MARKER = b"CONSTANCIA-DOMICILIO-CONFIDENCIAL-7731"


def _scan(path: Path, n: int = 0) -> Path:
    path.write_bytes(b"%PDF-1.4\n%" + MARKER + f"-{n}\n".encode() + b"1 0 obj<<>>endobj\n%%EOF\n")
    return path


def _capture(ctx: AppContext, tmp_path: Path, n: int = 0) -> str:
    request = _request(ctx, tmp_path)
    answers = {k: (CURP if v == make_curp() else v) for k, v in request.answers.items()}
    scan = AttachmentInput(_scan(tmp_path / f"domicilio-{n}.pdf", n), "domicilio.pdf")
    request = dataclasses.replace(request, answers=answers,
                                  attachments=[*request.attachments, scan])
    return capture_expediente(ctx, OPERADOR, request).folio


def _scan_sha(ctx: AppContext) -> str:
    with ctx.read() as s:
        return s.scalars(select(Attachment.sha256).where(
            Attachment.filename == "domicilio.pdf")).first() or ""


def _disk_bytes(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db_path, db_path.with_name(db_path.name + "-wal"))
                    if p.exists())


@pytest.fixture
def office(data_dir: Path, tmp_path: Path) -> Iterator[tuple[AppContext, str]]:
    ctx = open_demo_office(data_dir)
    folio = _capture(ctx, tmp_path)
    yield ctx, folio
    ctx.close()


def test_plain_sqlite_cannot_read_the_store_and_no_curp_is_in_its_bytes(office) -> None:
    ctx, folio = office
    with ctx.read() as s:  # the app reads it
        row = s.scalars(select(Expediente).where(Expediente.folio == folio)).one()
    assert row.curp == CURP
    wal = ctx.db_path.with_name(ctx.db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the capture is in the WAL until checkpoint
    disk = _disk_bytes(ctx.db_path)
    assert CURP.encode() not in disk and folio.encode() not in disk
    assert not disk.startswith(PLAIN_HEADER)
    ctx.close()  # checkpointed into the main file: still nothing in clear
    disk = _disk_bytes(ctx.db_path)
    assert CURP.encode() not in disk and "Peña".encode() not in disk
    raw = sqlite3.connect(ctx.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        raw.execute("SELECT folio, curp FROM expedientes").fetchall()
    raw.close()


def test_a_scan_on_disk_holds_none_of_the_original_and_the_app_reads_it_back(
        office, tmp_path: Path) -> None:
    ctx, _ = office
    sha = _scan_sha(ctx)
    on_disk = blob_path(ctx.blob_dir, sha).read_bytes()
    assert b"%PDF-" not in on_disk and MARKER not in on_disk
    assert read_blob(ctx.blobs, sha) == (tmp_path / "domicilio-0.pdf").read_bytes()


def test_a_tampered_scan_is_refused_in_spanish_and_never_uploaded(office) -> None:
    ctx, _ = office
    sha = _scan_sha(ctx)
    path = blob_path(ctx.blob_dir, sha)
    sealed = bytearray(path.read_bytes())
    sealed[-20] ^= 0x01
    path.write_bytes(bytes(sealed))
    with pytest.raises(BlobDamaged, match="dañado o fue alterado"):
        read_blob(ctx.blobs, sha)

    calls: list[tuple[str, str]] = []

    class Recorder:
        def request(self, method: str, target: str, **_: object) -> None:
            calls.append((method, target))
            raise AssertionError("a damaged blob reached the network")

    outcome = upload_blobs(ctx, Recorder(), [sha])  # type: ignore[arg-type]
    assert outcome.delivered == [] and calls == []


def test_a_sealed_scan_moved_under_another_name_does_not_open(office, tmp_path: Path) -> None:
    ctx, _ = office
    sha = _scan_sha(ctx)
    other = store_file(ctx.blobs, _scan(tmp_path / "otro.pdf", 99), 10_000_000).sha256
    blob_path(ctx.blob_dir, other).write_bytes(blob_path(ctx.blob_dir, sha).read_bytes())
    with pytest.raises(BlobDamaged):
        read_blob(ctx.blobs, other)


def test_an_encrypted_store_whose_key_is_gone_is_refused_not_replaced(office) -> None:
    ctx, _ = office
    ctx.close()
    (ctx.data_dir / "credentials.json").unlink()
    with pytest.raises(StoreKeyMissing, match="No se encontró la llave"):
        open_context(ctx.data_dir)
    assert not (ctx.data_dir / "credentials.json").exists()  # no new key was made


def test_a_store_opened_with_another_key_is_refused_in_spanish(office) -> None:
    ctx, _ = office
    ctx.close()
    CredentialStore(ctx.data_dir).set(DATABASE_KEY, "ab" * 32)
    with pytest.raises(StoreKeyWrong, match="no abre la base de datos"):
        open_context(ctx.data_dir)


# -- a store made before encryption ------------------------------------------------------------


def _plain_store(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The old code path: a plain engine, blobs written as plain files; three captures."""
    tmp_path.mkdir(exist_ok=True)
    with monkeypatch.context() as patch:
        ctx = open_plain_office(data_dir, patch)
        backup_database(ctx.db_path, None)  # a safety copy an older migration left beside it
        folios = [_capture(ctx, tmp_path, n) for n in range(3)]
    ctx.close()
    (data_dir / "blobs" / SEALED_MARKER).unlink(missing_ok=True)
    return folios


def _counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (Expediente, OutboxEntry, Attachment))


def test_a_plain_store_is_encrypted_in_place_with_nothing_lost(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folios = _plain_store(data_dir, tmp_path / "old", monkeypatch)
    db = data_dir / "ventanilla.db"
    with sqlite3.connect(db) as plain:  # what the old version left: readable by anyone
        assert plain.execute("SELECT count(*) FROM expedientes").fetchone()[0] == 3
        before = plain.execute("SELECT count(*) FROM outbox").fetchone()[0]
    scans = sorted(p for p in (data_dir / "blobs").glob("??/*"))
    assert any(MARKER in p.read_bytes() for p in scans)

    ctx = open_context(data_dir)
    assert _counts(ctx)[:2] == (3, before) and before >= 3
    with ctx.read() as s:
        assert s.scalar(select(Expediente.curp).where(Expediente.folio == folios[1])) == CURP
        shas = list(s.scalars(select(Attachment.sha256).where(
            Attachment.filename == "domicilio.pdf")))
    originals = {(tmp_path / "old" / f"domicilio-{n}.pdf").read_bytes() for n in range(3)}
    assert {read_blob(ctx.blobs, sha) for sha in shas} == originals
    ctx.close()

    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(db).execute("SELECT count(*) FROM expedientes").fetchone()
    copies = sorted(data_dir.glob("ventanilla.*.db"))
    assert len(copies) == 2 and not any(is_plain_sqlite(p) for p in [db, *copies])
    assert not any(MARKER in p.read_bytes() or p.read_bytes().startswith(b"%PDF-")
                   for p in data_dir.rglob("*") if p.is_file())

    sealed = {p: p.read_bytes() for p in (data_dir / "blobs").glob("??/*")}
    again = open_context(data_dir)  # idempotent: nothing re-encrypted, no new copy aside
    assert _counts(again)[:2] == (3, before)
    again.close()
    assert {p: p.read_bytes() for p in (data_dir / "blobs").glob("??/*")} == sealed
    assert sorted(data_dir.glob("ventanilla.*.db")) == copies


def test_the_copy_aside_opens_with_the_key_and_holds_the_plain_store(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plain_store(data_dir, tmp_path / "old", monkeypatch)
    ctx = open_context(data_dir)
    ctx.close()
    [copy] = [p for p in data_dir.glob("ventanilla.pre-encryption-*.db")]
    engine = make_engine(copy, ctx.keys.database)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM expedientes").scalar() == 3
    engine.dispose()


def test_with_a_secure_keyring_the_keys_are_not_in_the_data_folder(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring_backend = MemoryKeyring()
    monkeypatch.delenv(ENV_BACKEND, raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring_backend)
    ctx = open_context(data_dir)
    ctx.close()
    assert ctx.credentials_warning is None
    assert not (data_dir / "credentials.json").exists()
    stored = set(keyring_backend.items.values())
    assert ctx.keys.database.hex() in stored and ctx.keys.blobs.hex() in stored
    again = open_context(data_dir)  # the same keys open it again
    assert again.keys == ctx.keys
    again.close()


def test_a_borrador_anexo_is_shown_and_captured_from_its_sealed_blob(office,
                                                                    tmp_path: Path) -> None:
    from ui.anexos_panel import inspect_file

    ctx, _ = office
    original = _scan(tmp_path / "borrador.pdf", 7)
    request = _request(ctx, tmp_path)
    uuid = save_draft(ctx, OPERADOR, DraftInput(
        request.homoclave, 1, dict(request.answers), list(request.requisitos),
        [*request.attachments, AttachmentInput(original, "domicilio.pdf")]))
    with ctx.read() as s:
        resumed = load_draft(s, uuid, ctx.blob_dir)
    restored = resumed.attachments[-1].path
    assert MARKER not in restored.read_bytes()  # the borrador's copy is sealed too
    shown = inspect_file(restored, ctx.blobs)  # the anexos panel decrypts it in memory
    assert shown.readable and shown.mime == "application/pdf"
    assert shown.size == len(original.read_bytes())
    folio = capture_expediente(ctx, OPERADOR, dataclasses.replace(
        request, attachments=resumed.attachments, draft_uuid=uuid)).folio
    with ctx.read() as s:
        sha = s.scalars(select(Attachment.sha256).join(
            Expediente, Expediente.uuid == Attachment.expediente_uuid).where(
            Expediente.folio == folio, Attachment.filename == "domicilio.pdf")).one()
    assert read_blob(ctx.blobs, sha) == original.read_bytes()
