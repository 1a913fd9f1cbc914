"""The next push batch: read from the outbox in one query, its request body written around the
payload texts the outbox already holds (canonical JSON), gzip-compressed once.

Nothing is parsed or encoded again per mutation: only a payload that names anexos is read (the
scans go first, sync.attachments), and the envelope around each payload is a few escaped strings.
The rows are stepped only as far as the batch's bytes allow (SQLite gives each payload's size in
bytes), so those past the limit are never read. The body is compressed with ISA-L (`isal`, plain
gzip for the platform): at its level 2 a batch is a little smaller than zlib's level 6 makes it
and takes a tenth of the time (~1 ms instead of ~8 for 780 expedientes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from isal import igzip
from sqlalchemy import LargeBinary, cast, func, select
from sqlalchemy.orm import Session

from desktop.records.audit import Head, chain_head
from localdb.models import OutboxEntry
from localdb.states import OutboxState
from sync.http import APP_VERSION
from wire.protocol import MAX_BATCH, MAX_BATCH_BYTES, Mutation

# Room for the request envelope and each mutation's keys around its payload.
ENVELOPE_BYTES = 4_096
PER_MUTATION_BYTES = 256
# In canonical JSON a payload names anexos only when this text is in it (inside a JSON string
# the quote before the colon would be escaped).
NAMES_ANEXOS = '"attachments":[{'
GZIP_LEVEL = 2  # ISA-L's levels run 0-3


@dataclass(frozen=True)
class Sent:
    mutation_id: int
    entity_uuid: str


@dataclass(frozen=True)
class Batch:
    sent: list[Sent]
    with_anexos: list[Mutation]  # the mutations whose payload names anexos, parsed
    body: bytes  # the gzip-compressed PushRequest
    head: Head | None  # the audit chain head the batch carries

    @property
    def ids(self) -> list[int]:
        return [s.mutation_id for s in self.sent]

    @property
    def last_id(self) -> int:
        return self.sent[-1].mutation_id


# One encoder for every value (json.dumps with options builds a new one per call: three per
# mutation); for a string its encode is the C escaper alone.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def read_batch(session: Session, machine_id: str, after: int = 0, max_count: int = MAX_BATCH,
               max_bytes: int = MAX_BATCH_BYTES) -> Batch | None:
    """The pending mutations after `after`, in order; a single oversized one still goes alone."""
    rows = session.connection().execute(
        select(OutboxEntry.mutation_id, OutboxEntry.kind, OutboxEntry.entity_uuid,
               OutboxEntry.payload, OutboxEntry.sha256,
               func.length(cast(OutboxEntry.payload, LargeBinary)))
        .where(OutboxEntry.state == OutboxState.PENDING, OutboxEntry.mutation_id > after)
        .order_by(OutboxEntry.mutation_id).limit(max_count))
    items: list[str] = []
    sent: list[Sent] = []
    with_anexos: list[Mutation] = []
    size = ENVELOPE_BYTES
    with rows:  # stepped row by row: what does not fit is never read
        for mutation_id, kind, entity_uuid, payload, sha256, payload_bytes in rows:
            cost = payload_bytes + PER_MUTATION_BYTES
            if items and size + cost > max_bytes:
                break
            items.append(f'{{"mutation_id":{mutation_id},"kind":{_dumps(kind)},'
                         f'"entity_uuid":{_dumps(entity_uuid)},"payload":{payload},'
                         f'"sha256":{_dumps(sha256)}}}')
            sent.append(Sent(mutation_id, entity_uuid))
            if NAMES_ANEXOS in payload:
                with_anexos.append(Mutation.model_construct(
                    mutation_id=mutation_id, kind=kind, entity_uuid=entity_uuid,
                    payload=json.loads(payload), sha256=sha256))
            size += cost
    if not sent:
        return None
    head = chain_head(session)
    pending_after = session.scalar(select(func.count()).select_from(OutboxEntry).where(
        OutboxEntry.state == OutboxState.PENDING, OutboxEntry.mutation_id > sent[-1].mutation_id))
    return Batch(sent, with_anexos, request_body(machine_id, items, pending_after or 0, head),
                 head)


def request_body(machine_id: str, items: list[str], pending: int, head: Head | None) -> bytes:
    """A PushRequest (wire.protocol) as gzip-compressed JSON, around the mutations' texts."""
    envelope = {"machine_id": machine_id, "app_version": APP_VERSION, "pending": pending,
                "audit_head": None if head is None else {"seq": head.seq, "mac": head.mac}}
    text = _dumps(envelope)[:-1] + ',"mutations":[' + ",".join(items) + "]}"
    return igzip.compress(text.encode("utf-8"), compresslevel=GZIP_LEVEL)
