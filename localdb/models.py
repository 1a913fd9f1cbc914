"""SQLAlchemy 2.0 models of the local store (ARCHITECTURE §6).

Money is stored as integer centavos; JSON columns hold validated, canonical data.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from localdb.states import EnvioState, ExpedienteStatus, OutboxState, Role

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


E = TypeVar("E", bound=StrEnum)


class StateColumn(TypeDecorator[E]):
    """A state column: stored as its enum's value (a plain string), read back as the member.

    A value outside the enum fails at bind time, before the CHECK constraint would."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def one_of(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """CHECK that `column` holds a value of `enum` (named ck_<table>_<column>)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The Core table of a model: for rows written without the unit of work (append-only rows
    that nothing in the transaction reads back as objects) and bulk statements."""
    return cast(Table, model.__table__)


class Dependencia(Base):
    __tablename__ = "dependencias"

    clave: Mapped[str] = mapped_column(String(32), primary_key=True)
    nombre: Mapped[str] = mapped_column(String(200))
    siglas: Mapped[str] = mapped_column(String(32), default="")


class Tramite(Base):
    """One version of a catálogo entry; old versions stay while drafts or expedientes use them."""

    __tablename__ = "tramites"
    __table_args__ = (UniqueConstraint("homoclave", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    homoclave: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    dependencia_clave: Mapped[str] = mapped_column(ForeignKey("dependencias.clave"))
    nombre: Mapped[str] = mapped_column(String(300))
    nivel_digitalizacion: Mapped[int] = mapped_column(Integer, default=1)
    plazo_dias: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    bundle_version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConfigBundleRecord(Base):
    """Every bundle applied on this machine, kept verbatim with its signature."""

    __tablename__ = "config_bundles"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    applied_at: Mapped[datetime] = mapped_column(DateTime)
    # Revision 0012, the configuration history: how it arrived ("plataforma", "archivo",
    # "demo"), who applied it, the signing key's id, when the platform published it (None when
    # unknown: a file, or applied before 0012) and its impact report (catalogo/impact*.py).
    source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    applied_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    impact: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


# The rows the partial state indexes hold (revision 0016). A query reads one of them only when its
# term is one of these equalities (`sync_state = ?`): SQLite proves a partial index usable from an
# exact term, never from an IN list.
SYNC_STATE_INDEXED = ("sync_state = 'pendiente' OR sync_state = 'faltan_anexos' "
                      "OR sync_state = 'rechazado' OR sync_state = 'demo'")
OUTBOX_STATE_INDEXED = "state = 'pending' OR state = 'rejected'"


class Expediente(Base):
    __tablename__ = "expedientes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tramite_homoclave", "tramite_version"],
            ["tramites.homoclave", "tramites.version"],
        ),
        # (captured_at, uuid): the Expedientes list's order, read straight off the index.
        Index("ix_expedientes_captured_at_uuid", "captured_at", "uuid"),
        # The review queue's filters, each ending in the list's order (revision 0010); the
        # homoclave last (revision 0016), so the counts per state under a dependencia read the
        # index alone. A CURP is looked up through the FTS index (no index of its own).
        Index("ix_expedientes_status_captured_at", "status", "captured_at", "uuid",
              "tramite_homoclave"),
        Index("ix_expedientes_created_by_captured_at", "created_by", "captured_at", "uuid"),
        # the envío queues (pendientes, rechazados…) in list order; partial (revision 0016):
        # only the few rows not confirmed by the platform, which the queues look up by equality
        # (SYNC_FILTERS); "confirmados", nearly every row, walks the list's own index
        Index("ix_expedientes_sync_state", "sync_state", "captured_at", "uuid",
              sqlite_where=text(SYNC_STATE_INDEXED)),
        # One expediente per paper of the archive: import-archivo is idempotent by it. Partial
        # (revision 0016): a counter capture (no archivo_folio) takes no entry.
        Index("uq_expedientes_archivo", "tramite_homoclave", "archivo_folio", unique=True,
              sqlite_where=text("archivo_folio IS NOT NULL")),
        one_of("status", ExpedienteStatus),
        one_of("sync_state", EnvioState),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    folio: Mapped[str] = mapped_column(String(40), unique=True)
    tramite_homoclave: Mapped[str] = mapped_column(String(64))
    tramite_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    requisitos: Mapped[list[Any]] = mapped_column(JSON)
    cobros: Mapped[list[Any]] = mapped_column(JSON)
    total_centavos: Mapped[int] = mapped_column(Integer)
    nombre: Mapped[str] = mapped_column(String(300))
    curp: Mapped[str | None] = mapped_column(String(18), nullable=True)
    rfc: Mapped[str | None] = mapped_column(String(13), nullable=True)
    status: Mapped[ExpedienteStatus] = mapped_column(StateColumn(ExpedienteStatus, 24),
                                                     default=ExpedienteStatus.CAPTURADO)
    status_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who moved `status` last and when (a review here, or as the platform reports it).
    status_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    official_folio: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payment_method: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payment_reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The column keeps its first name (ARCHITECTURE §2): renaming it would rebuild the table for
    # nothing; code says `cancel_reason`.
    cancel_reason: Mapped[str | None] = mapped_column("voided_reason", Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(DateTime)  # UTC, like every stored instant
    # captured_at as the content hash covers it, for expedientes captured before times were UTC
    # (naive local ISO text, revision 0011); NULL since.
    captured_at_legacy: Mapped[str | None] = mapped_column(String(32), nullable=True)
    origin_machine: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    sync_state: Mapped[EnvioState] = mapped_column(StateColumn(EnvioState, 16),
                                                   default=EnvioState.PENDIENTE)
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    # Back-captured from a paper archive (import-archivo): the paper's own folio and date.
    archivo_folio: Mapped[str | None] = mapped_column(String(64), nullable=True)
    archivo_fecha: Mapped[date | None] = mapped_column(Date, nullable=True)


class Draft(Base):
    """A borrador: answers in progress, pinned to the trámite version it was started on."""

    __tablename__ = "drafts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tramite_homoclave", "tramite_version"],
            ["tramites.homoclave", "tramites.version"],
        ),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    tramite_homoclave: Mapped[str] = mapped_column(String(64))
    tramite_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    requisitos: Mapped[list[Any]] = mapped_column(JSON)
    attachments: Mapped[list[Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(Base):
    """An anexo: content-addressed by SHA-256 in the blob folder."""

    __tablename__ = "attachments"

    expediente_uuid: Mapped[str] = mapped_column(
        ForeignKey("expedientes.uuid"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxEntry(Base):
    """A mutation waiting for the platform, written in the same transaction as its change."""

    __tablename__ = "outbox"
    # AUTOINCREMENT: a mutation id, once used, is never handed out again, even after deletes.
    __table_args__ = (
        # pending and rejected only (revision 0016): nothing looks acknowledged rows up by state
        Index("ix_outbox_state", "state", "mutation_id", sqlite_where=text(OUTBOX_STATE_INDEXED)),
        # only the pending rows: what "pendientes de envío" and the push look up
        Index("ix_outbox_pending", "entity_uuid", "mutation_id",
              sqlite_where=text("state = 'pending'")),
        one_of("state", OutboxState),
        {"sqlite_autoincrement": True},
    )

    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[OutboxState] = mapped_column(StateColumn(OutboxState, 16),
                                               default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ExpedienteCount(Base):
    """How many expedientes stand in each (status, sync_state): kept exact by triggers in the
    transaction of every write (localdb/counters.py), read instead of counting the table."""

    __tablename__ = "expediente_counts"

    status: Mapped[ExpedienteStatus] = mapped_column(StateColumn(ExpedienteStatus, 24),
                                                     primary_key=True)
    sync_state: Mapped[EnvioState] = mapped_column(StateColumn(EnvioState, 16),
                                                   primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class SyncState(Base):
    """Single row (id=1): who this machine is and how far it has synced."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    machine_id: Mapped[str] = mapped_column(String(64))
    municipio: Mapped[str] = mapped_column(String(120), default="")
    oficina: Mapped[str] = mapped_column(String(16))
    oficina_nombre: Mapped[str] = mapped_column(String(200), default="")
    ventanilla: Mapped[str] = mapped_column(String(16))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    server_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    platform_public_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    epoch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pull_cursor: Mapped[int] = mapped_column(Integer, default=0)
    config_version: Mapped[int] = mapped_column(Integer, default=0)
    config_etag: Mapped[str | None] = mapped_column(String(128), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    backoff_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SetAsideChange(Base):
    """A pulled change this machine could not apply (e.g. a trámite version it lacks, bad data):
    kept with the reason and retried on every sync run, so the pull cursor never stalls on it."""

    __tablename__ = "set_aside_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    set_aside_at: Mapped[datetime] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime] = mapped_column(DateTime)


class FolioCounter(Base):
    """Last folio number issued per year on this machine."""

    __tablename__ = "folio_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only, tamper-evident: each row hashes its content and the previous row's hash;
    from the row the chain key records on, `mac` is an HMAC under a key held outside the database
    (desktop/records/audit.py). NULL on rows written before the chain was keyed."""

    __tablename__ = "audit_log"
    # A folio's history (who cancelled it, when it was printed) without scanning the whole log;
    # a folio has a handful of entries, so the action is not indexed (revision 0017).
    __table_args__ = (Index("ix_audit_log_entity", "entity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (one_of("role", Role),)

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(StateColumn(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The last successful login at this window, and whether the platform's login cached this
    # user (False: created here, e.g. the demo office's users).
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    from_platform: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=false())


# Cajas and recibos live in localdb/cajas_models.py; re-exported here, on the same metadata.
from localdb.cajas_models import Caja as Caja  # noqa: E402
from localdb.cajas_models import Recibo as Recibo  # noqa: E402
from localdb.cajas_models import ReciboCounter as ReciboCounter  # noqa: E402
