"""Wire contract of sync protocol v1 (DESIGN §5), shared by the client and central/.

Only pydantic models and constants live here: central/ may import this module and nothing else of
the app.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROTOCOL_VERSION = 1
MAX_BATCH = 500
MAX_BATCH_BYTES = 1_000_000
MAX_PULL_LIMIT = 1000

# Mutation kinds the counter sends. Payloads are plain JSON objects:
#  expediente.create: see ExpedientePayload
#  expediente.void:   {"uuid", "reason", "voided_by", "voided_at"}
#  expediente.amend:  {"uuid", "changes": {campo: valor}, "reason", "amended_by", "amended_at"}
#  expediente.payment: see PaymentPayload (the whole total, paid once)
MutationKind = Literal[
    "expediente.create", "expediente.void", "expediente.amend", "expediente.payment"
]

# Change kinds the platform returns on pull.
#  expediente.status:  {"uuid", "folio", "status", "note", "official_folio"}
#  expediente.record:  an ExpedientePayload captured at another window of the same office
#  expediente.payment: a PaymentPayload registered at another window of the same office
ChangeKind = Literal["expediente.status", "expediente.record", "expediente.payment"]

ResultStatus = Literal["applied", "duplicate", "rejected"]
# MutationResult.error of a "duplicate" whose sha256 differs from the one the platform recorded for
# that mutation_id: this content is NOT on the platform, so the client must not ack it.
DUPLICATE_SHA256_MISMATCH = "sha256 distinto del registrado para esta mutación"


def canonical_json(value: Any) -> bytes:
    """The one serialisation that hashes and signatures are computed over."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def payload_sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- Sender-checked payloads (issue 13): amounts, void/amend, the sync-state answer -------------
# Money on the wire: a plain decimal string with exactly 2 places, from 0.00 to MAX_AMOUNT; no sign,
# exponent, NaN or Infinity, so it always parses to the same finite Decimal.
MAX_AMOUNT = "99999999.99"
Amount = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,7})\.[0-9]{2}$")]


class VoidPayload(_Wire):
    """expediente.void: cancel an expediente of the machine's office, with a reason."""

    uuid: str = Field(max_length=40)
    reason: str = Field(default="", max_length=2000)
    voided_by: str | None = Field(default=None, max_length=64)
    voided_at: datetime | None = None


class AmendPayload(_Wire):
    """expediente.amend: corrections kept beside the immutable original payload."""

    uuid: str = Field(max_length=40)
    changes: dict[str, Any]
    reason: str = Field(default="", max_length=2000)
    amended_by: str | None = Field(default=None, max_length=64)
    amended_at: datetime | None = None


class SyncStateResponse(_Wire):
    """GET /v1/sync/state: what the platform has seen from the asking machine, so a window restored
    from a copy can tell (its outbox or folio counter is behind) and catch up."""

    last_mutation_id: int  # the last mutation id acknowledged (applied, duplicate or rejected)
    folios: dict[int, int]  # year → highest folio number received from this machine
    recorded: dict[int, str] = {}  # mutation id → sha256 recorded, for the ids asked (?ids=)
# -------------------------------------------------------------------------------------------------


class CobroLinePayload(_Wire):
    concepto: str
    cri: str
    importe: Amount


class AttachmentRef(_Wire):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str
    mime: str
    size: int


class ExpedientePayload(_Wire):
    uuid: str
    folio: str
    tramite_homoclave: str
    tramite_version: int
    answers: dict[str, Any]
    requisitos: list[dict[str, Any]]
    cobros: list[CobroLinePayload]
    total: Amount  # the sum of the cobros' importes
    nombre: str
    curp: str | None = None
    rfc: str | None = None
    created_by: str
    captured_at: datetime
    origin_machine: str
    oficina: str
    ventanilla: str
    attachments: list[AttachmentRef] = []
    content_sha256: str


class PaymentPayload(_Wire):
    """A payment received at the window: the expediente's whole total, by `method`."""

    uuid: str
    folio: str = Field(max_length=64)
    method: str = Field(min_length=1, max_length=32)  # efectivo, tarjeta, transferencia, cheque
    reference: str | None = Field(default=None, max_length=64)
    amount: Amount  # equals the total
    paid_by: str = Field(max_length=64)
    paid_at: datetime  # the window's local clock, for display only


class EnrollRequest(_Wire):
    code: str
    app_version: str = ""
    hostname: str = ""
    receipt_public_key: str = ""  # PEM, Ed25519: the machine's key that signs receipt QRs


class EnrollResponse(_Wire):
    machine_id: str
    machine_token: str
    oficina: str
    oficina_nombre: str
    ventanilla: str
    municipio: str
    platform_public_key: str  # PEM, Ed25519
    epoch: str


class LoginRequest(_Wire):
    username: str
    password: str


class LoginResponse(_Wire):
    username: str
    full_name: str
    role: Literal["operador", "supervisor", "admin"]


class Mutation(_Wire):
    mutation_id: int = Field(ge=1)
    kind: MutationKind
    entity_uuid: str
    payload: dict[str, Any]
    sha256: str


class PushRequest(_Wire):
    machine_id: str
    app_version: str
    mutations: list[Mutation] = Field(max_length=MAX_BATCH)
    pending: int | None = None  # outbox rows still waiting after this batch (shown by central)


class MutationResult(_Wire):
    mutation_id: int
    status: ResultStatus
    error: str | None = None


class PushResponse(_Wire):
    last_mutation_id: int
    results: list[MutationResult]
    server_time: datetime


class Change(_Wire):
    version: int
    # One of ChangeKind today. A plain str on the wire so that a platform adding a kind does not
    # stop older windows from pulling: they skip what they do not know and move the cursor on.
    kind: str
    entity_uuid: str
    data: dict[str, Any]


class PullResponse(_Wire):
    changes: list[Change]
    next_cursor: int
    has_more: bool
    epoch: str


class ErrorResponse(_Wire):
    detail: str


# Receipt QR (DESIGN §7). The URL is
# {base}/v/{machine_id}/{folio}?t=TOTAL&d=YYYY-MM-DD&h=SHA256&s=SIG
# where SIG is base64url (no padding) of the machine's Ed25519 signature over receipt_message().
RECEIPT_PATH_PREFIX = "/v/"


def receipt_message(folio: str, total: str, date: str, expediente_sha256: str) -> bytes:
    """The exact bytes a receipt QR signs: folio, total (2 decimals), ISO date, content hash."""
    return f"ventanilla-receipt/1|{folio}|{total}|{date}|{expediente_sha256}".encode()
