"""Sync protocol v1: version, limits, kinds, and the request/response models of each endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from wire.base import Wire

PROTOCOL_VERSION = 1
# A push carries at most MAX_BATCH mutations and MAX_BATCH_BYTES of JSON. Platforms before issue
# 15's second round took 500 (V1_MAX_BATCH): a window that gets 413 for more sends that many.
MAX_BATCH = 1000
V1_MAX_BATCH = 500
MAX_BATCH_BYTES = 1_000_000
# GET /v1/sync/state?ids=: at most this many mutation ids (every platform takes 500).
MAX_STATE_IDS = 500
MAX_PULL_LIMIT = 1000
# A number the platform answers that the window stores (a cursor, a mutation id, a folio
# number): within SQLite's INTEGER, so an answer past it is refused as such, never an overflow
# in the middle of a run. Years of folio counters are calendar years.
MAX_BIGINT = 2**63 - 1  # the platform's BIGINT columns (ids, sequences)
Count = Annotated[int, Field(ge=0, le=MAX_BIGINT)]
Year = Annotated[int, Field(ge=1, le=9999)]

# Mutation kinds the counter sends; the model of each payload is wire.payloads.MUTATION_PAYLOADS.
MutationKind = Literal[
    "expediente.create", "expediente.void", "expediente.amend", "expediente.payment",
    "expediente.review", "recibo.cancel", "caja.corte",
]

# Change kinds the platform returns on pull; the model of each is wire.payloads.CHANGE_PAYLOADS.
#  expediente.record and expediente.payment come from another window of the same office;
#  user.changed from an admin's change to a platform user of the office.
ChangeKind = Literal["expediente.status", "expediente.record", "expediente.payment",
                     "user.changed", "recibo.cancel"]

ResultStatus = Literal["applied", "duplicate", "rejected"]
# MutationResult.error of a "duplicate" whose sha256 differs from the one the platform recorded for
# that mutation_id: this content is NOT on the platform, so the client must not ack it.
DUPLICATE_SHA256_MISMATCH = "sha256 distinto del registrado para esta mutación"
# The end of MutationResult.error of an expediente.create refused because another expediente of
# the machine holds its folio ("el folio X ya está registrado con otro expediente"): a window
# restored from a copy gives that expediente a new folio and sends it again.
FOLIO_TAKEN = "ya está registrado con otro expediente"


class EnrollRequest(Wire):
    code: str
    app_version: str = ""
    hostname: str = ""
    receipt_public_key: str = ""  # PEM, Ed25519: the machine's key that signs receipt QRs


class EnrollResponse(Wire):
    machine_id: str
    machine_token: str
    oficina: str
    oficina_nombre: str
    ventanilla: str
    municipio: str
    platform_public_key: str  # PEM, Ed25519
    epoch: str


class LoginRequest(Wire):
    username: str
    password: str


class LoginResponse(Wire):
    username: str
    full_name: str
    role: Literal["operador", "supervisor", "admin"]
    # The password was reset: the window caches nothing and asks for a new one first
    # (POST /v1/auth/password). Older platforms do not send it.
    must_change_password: bool = False


class PasswordChangeRequest(Wire):
    """POST /v1/auth/password: a user of the window's office replaces their password."""

    username: str
    password: str  # the current one (the temporary one after a reset)
    new_password: str


class Mutation(Wire):
    mutation_id: int = Field(ge=1)
    kind: MutationKind
    entity_uuid: str
    payload: dict[str, Any]
    sha256: str


MAX_PENDING = 2**31 - 1  # its INTEGER column, as the window report's bound (wire/window_report.py)


class AuditHead(Wire):
    """The head of a window's keyed audit chain: its last row's id and HMAC. The platform cannot
    check the MAC (the key never leaves the window); it keeps the highest seq it has seen, so the
    window can tell when rows were cut off the end of its chain."""

    seq: int = Field(ge=1, le=MAX_BIGINT)
    mac: str = Field(pattern=r"^[0-9a-f]{64}$")


class PushRequest(Wire):
    machine_id: str
    app_version: str
    mutations: list[Mutation] = Field(max_length=MAX_BATCH)
    # Outbox rows still waiting after this batch (shown by central; an INTEGER column there).
    pending: int | None = Field(default=None, ge=0, le=MAX_PENDING)
    audit_head: AuditHead | None = None  # the window's audit chain head when it sent the batch


class MutationResult(Wire):
    mutation_id: Count
    status: ResultStatus
    error: str | None = None
    # sha256 of the anexos this expediente names that the platform does not hold for the
    # machine's office yet: the window must upload them before it calls the expediente synced.
    missing_attachments: list[str] = Field(default_factory=list)


class PushResponse(Wire):
    last_mutation_id: Count
    results: list[MutationResult]
    server_time: datetime


class Change(Wire):
    version: Count
    # One of ChangeKind today. A plain str on the wire so that a platform adding a kind does not
    # stop older windows from pulling: they skip what they do not know and move the cursor on.
    kind: str
    entity_uuid: str
    data: dict[str, Any]


def poll_tag(epoch: str, cursor: int) -> str:
    """The entity tag of "nothing after `cursor` in `epoch`": a window sends it as If-None-Match
    on GET /v1/sync/pull and gets 304 when its office has no newer change (ARCHITECTURE §7)."""
    return f'"{epoch}:{cursor}"'


class PullResponse(Wire):
    changes: list[Change]
    next_cursor: Count
    has_more: bool
    epoch: str


class SyncStateResponse(Wire):
    """GET /v1/sync/state: what the platform has seen from the asking machine, so a window restored
    from a copy can tell (its outbox or folio counter is behind) and catch up."""

    last_mutation_id: Count  # the last mutation id acknowledged (applied, duplicate or rejected)
    folios: dict[Year, Count]  # year → highest folio number received from this machine
    recorded: dict[Count, str] = Field(default_factory=dict)  # mutation id → sha256, for ?ids=
    audit_head: AuditHead | None = None  # the highest audit head this machine has pushed
    # year → highest recibo oficial number received from this machine (absent: older platform)
    recibos: dict[Year, Count] = Field(default_factory=dict)


class ErrorResponse(Wire):
    detail: str
