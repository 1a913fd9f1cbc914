"""The cash tables of the local store: cajas, recibos oficiales and the recibo counter. Declared
on localdb.models.Base (one metadata for Alembic) and re-exported by localdb.models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from localdb.models import Base


class ReciboCounter(Base):
    """Last recibo oficial number issued per year on this machine (its own series)."""

    __tablename__ = "recibo_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Caja(Base):
    """A cash session of this window: opened with a fondo inicial, closed by its corte, which the
    operador counts by denomination and a supervisor signs. At most one open at a time."""

    __tablename__ = "cajas"
    __table_args__ = (
        Index("uq_cajas_open", "ventanilla", unique=True, sqlite_where=text("closed_at IS NULL")),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    ventanilla: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    fondo_centavos: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    counted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expected_centavos: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counted_centavos: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # {denomination key: pieces}, e.g. {"billete_500": 3, "moneda_0.50": 2}
    denominations: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    corte_print_count: Mapped[int] = mapped_column(Integer, default=0)


class Recibo(Base):
    """A recibo oficial: one payment of an expediente, in a caja. Never deleted; a cancelled one
    keeps its folio, reason and who cancelled it."""

    __tablename__ = "recibos"

    folio: Mapped[str] = mapped_column(String(64), primary_key=True)
    expediente_uuid: Mapped[str] = mapped_column(ForeignKey("expedientes.uuid"), index=True)
    caja_uuid: Mapped[str] = mapped_column(ForeignKey("cajas.uuid"), index=True)
    amount_centavos: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
