"""Central's schema as `central init` made it before migrations: metadata.create_all of the models
of that time (frozen here, so later model changes do not change what "an old database" is).

`premigration_metadata(late_columns=False)` is the oldest shape: before enroll-code expiry,
payments and login lockout added their nullable columns (then added by hand by `init`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
LATE_COLUMNS = {
    "enroll_codes": ("expires_at",),
    "expedientes": ("payment_method", "payment_reference", "paid_at", "paid_by"),
    "users": ("failed_logins", "locked_until"),
}


def premigration_metadata(*, late_columns: bool = True) -> MetaData:
    md = MetaData(naming_convention=NAMING_CONVENTION)
    late = _Late(late_columns)
    _platform_tables(md, late)
    _office_tables(md, late)
    _expediente_tables(md, late)
    return md


class _Late:
    """Keeps or leaves out the columns that came after the first schema."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep

    def __call__(self, *columns: Column[Any]) -> tuple[Column[Any], ...]:
        return columns if self.keep else ()


def _platform_tables(md: MetaData, late: _Late) -> None:
    Table("platform", md,
          Column("id", Integer, primary_key=True),
          Column("private_key_pem", Text, nullable=False),
          Column("public_key_pem", Text, nullable=False),
          Column("epoch", String(40), nullable=False),
          Column("created_at", DateTime, nullable=False))
    Table("users", md,
          Column("username", String(64), primary_key=True),
          Column("full_name", String(200), nullable=False),
          Column("role", String(16), nullable=False),
          Column("password_hash", String(200), nullable=False),
          Column("active", Boolean, nullable=False),
          *late(Column("failed_logins", Integer, nullable=True),
                Column("locked_until", DateTime, nullable=True)))
    Table("config_bundles", md,
          Column("version", Integer, primary_key=True, autoincrement=False),
          Column("payload", LargeBinary, nullable=False),
          Column("signature", LargeBinary, nullable=False),
          Column("etag", String(80), nullable=False),
          Column("published_at", DateTime, nullable=False))
    Table("attachments", md,
          Column("sha256", String(64), primary_key=True),
          Column("size", BigInteger, nullable=False),
          Column("content", LargeBinary, nullable=False),
          Column("received_at", DateTime, nullable=False))


def _office_tables(md: MetaData, late: _Late) -> None:
    Table("offices", md,
          Column("clave", String(32), primary_key=True),
          Column("nombre", String(200), nullable=False),
          Column("municipio", String(200), nullable=False))
    Table("scope_counters", md,
          Column("scope", String(64), primary_key=True),
          Column("version", BigInteger, nullable=False))
    Table("changes", md,
          Column("scope", String(64), primary_key=True),
          Column("version", BigInteger, primary_key=True, autoincrement=False),
          Column("kind", String(40), nullable=False),
          Column("entity_uuid", String(40), nullable=False),
          Column("origin_machine", String(40), nullable=True),
          Column("data", JSON, nullable=False),
          Column("created_at", DateTime, nullable=False))
    Table("enroll_codes", md,
          Column("code_sha256", String(64), primary_key=True),
          Column("office", ForeignKey("offices.clave"), nullable=False),
          Column("ventanilla", String(32), nullable=False),
          Column("created_at", DateTime, nullable=False),
          *late(Column("expires_at", DateTime, nullable=True)),
          Column("used_at", DateTime, nullable=True),
          Column("machine_id", String(40), nullable=True))
    Table("machines", md,
          Column("id", String(40), primary_key=True),
          Column("office", ForeignKey("offices.clave"), nullable=False, index=True),
          Column("ventanilla", String(32), nullable=False),
          Column("token_sha256", String(64), nullable=False, unique=True),
          Column("receipt_public_key", Text, nullable=False),
          Column("hostname", String(200), nullable=False),
          Column("app_version", String(40), nullable=False),
          Column("last_mutation_id", BigInteger, nullable=False),
          Column("pending", Integer, nullable=True),
          Column("enrolled_at", DateTime, nullable=False),
          Column("last_seen", DateTime, nullable=True))


def _expediente_tables(md: MetaData, late: _Late) -> None:
    Table("expedientes", md,
          Column("uuid", String(40), primary_key=True),
          Column("folio", String(64), nullable=False, unique=True),
          Column("office", ForeignKey("offices.clave"), nullable=False, index=True),
          Column("machine_id", ForeignKey("machines.id"), nullable=False),
          Column("tramite_homoclave", String(64), nullable=False),
          Column("total", String(24), nullable=False),
          Column("payload", JSON, nullable=False),
          Column("content_sha256", String(64), nullable=False),
          Column("status", String(24), nullable=False),
          Column("note", Text, nullable=True),
          Column("official_folio", String(64), nullable=True),
          Column("received_at", DateTime, nullable=False),
          *late(Column("payment_method", String(32), nullable=True),
                Column("payment_reference", String(64), nullable=True),
                Column("paid_at", DateTime, nullable=True),
                Column("paid_by", String(64), nullable=True)))
    Table("mutations", md,
          Column("machine_id", ForeignKey("machines.id"), primary_key=True),
          Column("mutation_id", BigInteger, primary_key=True, autoincrement=False),
          Column("kind", String(40), nullable=False),
          Column("entity_uuid", String(40), nullable=False),
          Column("sha256", String(64), nullable=False),
          Column("status", String(16), nullable=False),
          Column("error", Text, nullable=True),
          Column("received_at", DateTime, nullable=False))
    Table("amendments", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("expediente_uuid", ForeignKey("expedientes.uuid"), nullable=False, index=True),
          Column("machine_id", String(40), nullable=False),
          Column("mutation_id", BigInteger, nullable=False),
          Column("payload", JSON, nullable=False),
          Column("received_at", DateTime, nullable=False))
