"""Central's own tables (SQLAlchemy 2.0). The schema is built and changed by the Alembic
revisions in central/migrations (applied by central.migrate); a schema change here needs a new
revision, and the tests compare head with these models.

The platform's Ed25519 private key lives in the `platform` row (PEM), not in a file: the database is
the only state, so several workers and one backup hold everything. Attachments are stored as
blobs in the database for the same reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Statuses an expediente can have on the platform; "recibido" is set when a push applies it.
# How long an enrollment code works when `enroll-code` is not given --ttl-hours.
ENROLL_CODE_TTL_HOURS = 24

STATUSES = ("recibido", "en_revision", "validado", "devuelto", "rechazado", "resuelto", "anulado")


def utc_now() -> datetime:
    """Naive UTC: both SQLite and PostgreSQL `timestamp without time zone` keep it as is."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for bulk and dialect-specific statements."""
    return cast(Table, model.__table__)


class Platform(Base):
    """One row (id=1): the platform key pair and the current epoch."""

    __tablename__ = "platform"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_key_pem: Mapped[str] = mapped_column(Text)
    epoch: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class Office(Base):
    __tablename__ = "offices"

    clave: Mapped[str] = mapped_column(String(32), primary_key=True)
    nombre: Mapped[str] = mapped_column(String(200))
    municipio: Mapped[str] = mapped_column(String(200), default="")


class EnrollCode(Base):
    __tablename__ = "enroll_codes"

    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"))
    ventanilla: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    # Nullable only so `init` can add it to older databases; new codes always have one.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    machine_id: Mapped[str | None] = mapped_column(String(40), nullable=True)

    def expiry(self) -> datetime:
        """When the code stops working (a code from before expiry existed: created + default)."""
        return self.expires_at or self.created_at + timedelta(hours=ENROLL_CODE_TTL_HOURS)


class Machine(Base):
    __tablename__ = "machines"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"), index=True)
    ventanilla: Mapped[str] = mapped_column(String(32))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_public_key: Mapped[str] = mapped_column(Text, default="")
    hostname: Mapped[str] = mapped_column(String(200), default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    pending: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The highest audit chain head the machine pushed (wire.protocol.AuditHead): the anchor it
    # checks its chain against for truncation. The MAC cannot be checked here (no key).
    audit_head_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    audit_head_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The catálogo version the window last received or confirmed (GET /v1/config).
    config_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # What the window reports on its pulls (central/machine_report.py): the bundle it applied.
    config_applied: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set when an admin revokes the machine: its token stops working at once.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Expediente(Base):
    __tablename__ = "expedientes"

    uuid: Mapped[str] = mapped_column(String(40), primary_key=True)
    folio: Mapped[str] = mapped_column(String(64), unique=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"), index=True)
    # Indexed for GET /v1/sync/state (a machine's highest folios).
    machine_id: Mapped[str] = mapped_column(ForeignKey("machines.id"), index=True)
    tramite_homoclave: Mapped[str] = mapped_column(String(64))
    total: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24), default="recibido")
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    official_folio: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Who moved the status last and when (UTC): a supervisor's review at a window, or None for
    # the platform's back office. Nullable so older databases upgrade in place.
    status_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    # The payment the window received (expediente.payment); nullable so `init` can add them.
    # paid_at in UTC, like every stored instant (from windows older than UTC storage: their
    # local clock, read as the office's zone when it arrived).
    payment_method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payment_reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Back-captured from a paper archive at the window (import-archivo): the paper's folio, date.
    archivo_folio: Mapped[str | None] = mapped_column(String(64), nullable=True)
    archivo_fecha: Mapped[date | None] = mapped_column(Date, nullable=True)


class Recibo(Base):
    """A recibo oficial a window issued for a payment (expediente.payment with recibo_folio), and
    its cancellation (recibo.cancel). The folio carries the machine's prefix: R-OFICINA-VENT-…"""

    __tablename__ = "recibos"

    folio: Mapped[str] = mapped_column(String(64), primary_key=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"), index=True)
    machine_id: Mapped[str] = mapped_column(ForeignKey("machines.id"), index=True)
    expediente_uuid: Mapped[str] = mapped_column(ForeignKey("expedientes.uuid"), index=True)
    caja_uuid: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    amount: Mapped[str] = mapped_column(String(24))
    method: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(DateTime)  # the window's local clock
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Corte(Base):
    """A caja's corte as its window reported it (caja.corte): stored once, never edited."""

    __tablename__ = "cortes"

    caja_uuid: Mapped[str] = mapped_column(String(40), primary_key=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"), index=True)
    machine_id: Mapped[str] = mapped_column(ForeignKey("machines.id"), index=True)
    ventanilla: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime] = mapped_column(DateTime)
    fondo: Mapped[str] = mapped_column(String(24))
    expected: Mapped[str] = mapped_column(String(24))
    counted: Mapped[str] = mapped_column(String(24))
    difference: Mapped[str] = mapped_column(String(24))
    counted_by: Mapped[str] = mapped_column(String(64))
    signed_by: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class MutationRecord(Base):
    """The per-machine mutation log: what each mutation id did, so retries are answered alike."""

    __tablename__ = "mutations"

    machine_id: Mapped[str] = mapped_column(ForeignKey("machines.id"), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class Amendment(Base):
    """An expediente.amend as received: the original payload stays immutable."""

    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    expediente_uuid: Mapped[str] = mapped_column(ForeignKey("expedientes.uuid"), index=True)
    machine_id: Mapped[str] = mapped_column(String(40))
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class Attachment(Base):
    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class AttachmentHolder(Base):
    """An office that uploaded a blob: HEAD answers, and a push counts the blob as present, only
    for the offices listed here, so one office cannot learn what another one holds."""

    __tablename__ = "attachment_holders"

    sha256: Mapped[str] = mapped_column(ForeignKey("attachments.sha256"), primary_key=True)
    office: Mapped[str] = mapped_column(ForeignKey("offices.clave"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class ConfigBundle(Base):
    """A published bundle: canonical payload bytes and the platform's signature over them."""

    __tablename__ = "config_bundles"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    # Who published it from the console (None: the CLI, or before the console existed).
    published_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong passwords through /v1/auth/login (None: none yet); nullable so `init` can add them.
    failed_logins: Mapped[int | None] = mapped_column(Integer, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The office whose windows the user may open; None: platform-wide (admin, console roles).
    office: Mapped[str | None] = mapped_column(ForeignKey("offices.clave"), nullable=True)
    # The dependencia clave (catálogo) of a `dependencia` user; None for every other role.
    dependencia: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Set by a password reset: the console asks for a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class ConsoleSession(Base):
    """A console login; only the cookie's sha256 is kept. Deleting the row logs the user out."""

    __tablename__ = "console_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class AuditEvent(Base):
    """The console's bitácora: one row per action, appended and never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class ScopeCounter(Base):
    """One row per scope (an office clave); its row lock orders the scope's change versions."""

    __tablename__ = "scope_counters"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class Change(Base):
    """What a pull returns; `origin_machine` lets a machine skip its own records."""

    __tablename__ = "changes"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(40))
    origin_machine: Mapped[str | None] = mapped_column(String(40), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
