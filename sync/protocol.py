"""Wire contract of sync protocol v1 (DESIGN §5), shared by the client and central/.

Only pydantic models and constants live here: central/ may import this module and nothing else of
the app.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class CobroLinePayload(_Wire):
    concepto: str
    cri: str
    importe: str  # Decimal as string, 2 places


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
    total: str
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
    amount: str = Field(max_length=24)  # Decimal as string, 2 places; equals the total
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
    # sha256 of the anexos this expediente names that the platform does not hold for the
    # machine's office yet: the window must upload them before it calls the expediente synced.
    missing_attachments: list[str] = []


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


# Attachments (PUT/HEAD /v1/attachments/{sha256}). A 200/201 counts as "the platform holds this
# blob" only when it carries the platform's receipt: a JSON content type and these headers naming
# the very sha256 and size asked about. Anything else (a proxy's or captive portal's 200 text/html)
# is a failed attempt. PUT also returns the receipt as an AttachmentReceipt body.
ATTACHMENT_CONTENT_TYPE = "application/json"
ATTACHMENT_SHA256_HEADER = "X-Ventanilla-Sha256"
ATTACHMENT_SIZE_HEADER = "X-Ventanilla-Size"


class AttachmentReceipt(_Wire):
    sha256: str
    size: int


class ErrorResponse(_Wire):
    detail: str


# Receipt QR (DESIGN §7). The URL is
# {base}/v/{machine_id}/{folio}?t=TOTAL&d=YYYY-MM-DD&h=SHA256&s=SIG
# where SIG is base64url (no padding) of the machine's Ed25519 signature over receipt_message().
RECEIPT_PATH_PREFIX = "/v/"


def receipt_message(folio: str, total: str, date: str, expediente_sha256: str) -> bytes:
    """The exact bytes a receipt QR signs: folio, total (2 decimals), ISO date, content hash."""
    return f"ventanilla-receipt/1|{folio}|{total}|{date}|{expediente_sha256}".encode()
