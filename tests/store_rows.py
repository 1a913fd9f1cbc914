"""The rows of a generated benchmark store (tests/store_generator.py), built without a database:
`RowMaker` is picklable and runs in a worker process, handing the writer one `Chunk` of ready
column tuples at a time.

The bytes are the app's: the trámite answers come from a few templates per trámite run through
the app's validation, fees and payload builder; the content hash and the outbox payload are the
canonical JSON of wire/canonical.py and the audit entries the keyed chain of
desktop/records/audit.py, computed here in a tight loop (the same encoder options, without the
per-value type walk: every value is a plain str, int, bool or list built here) and checked against
the app's own functions on the first row of every chunk.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import TramiteDef
from desktop.capture.fees import compute_cobros, total
from desktop.capture.payload import build_payload
from desktop.capture.validation import validate_answers
from desktop.context import AppContext
from desktop.records.audit import GENESIS_HASH, row_hash, row_mac
from desktop.records.audit_key import keys_of
from localdb.json_columns import json_text
from localdb.models import AuditEntry, SyncState, Tramite
from tests.store_people import People
from wire.canonical import canonical_json, payload_sha256

START = datetime(2024, 1, 2, 8, 0)
OWN_SHARE = 0.75  # captured at this window; the rest is pulled from V02
PENDING_NEWEST = 0.005  # the newest captures not pushed yet
OTHER_MACHINE = "bench-v02-machine"
OPERADORES = ("operador", "operador2", "lcastro", "mramos")
LATER_STATUSES = (("recibido", 30), ("en_revision", 15), ("validado", 15), ("resuelto", 30),
                  ("devuelto", 3), ("rechazado", 2), ("anulado", 1))
SQLA_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite
CAPTURED = "expediente.capturado"
# wire/canonical.py's options, one encoder for every row (json.dumps builds one per call)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False)
_HASH_KEY = "content_sha256"


@dataclass(frozen=True)
class Template:
    """A trámite's answers (without the applicant's) and what the app computes from them."""

    homoclave: str
    version: int
    answers: dict[str, Any]
    requisitos: list[dict[str, Any]]
    cobros: list[dict[str, str]]
    total: str
    applicant_keys: tuple[str, ...]  # the applicant's campos this trámite asks

    @property
    def columns(self) -> tuple[str, str, int]:
        """requisitos and cobros as the expedientes row stores them (SQLAlchemy's JSON), and the
        total in centavos."""
        return (json_text(self.requisitos), json_text(self.cobros),
                round(float(self.total) * 100))


APPLICANT_KEYS = ("nombre", "curp", "rfc", "telefono", "email", "domicilio", "cp")


def _answer(campo: Any, rng: random.Random, patron_example: str) -> Any:
    if campo.tipo == "numero":
        low = int(campo.minimo) if campo.minimo is not None else 1
        high = int(campo.maximo) if campo.maximo is not None else 500_000
        return str(rng.choice([v for v in (1, 2, 3, 12, 45, 80, 120, 250, 600, 180000, 420000)
                               if low <= v <= high] or [low]))
    if campo.tipo == "seleccion":
        return rng.choice(campo.opciones).valor
    if campo.tipo == "booleano":
        return rng.random() < 0.5
    if campo.tipo == "fecha":
        return (date(2024, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()
    if campo.tipo == "clave_catastral":
        return patron_example
    if campo.tipo == "texto":
        text = rng.choice(("Taquería El Güero", "Comité Colonia Centro", "Arq. Ana Ruiz",
                           "Salón Los Arcos", "Fuga en la toma de la calle", "Rosa Medina"))
        return text[:campo.max_longitud] if campo.max_longitud else text
    return None


def templates(ctx: AppContext, rng: random.Random, per_tramite: int = 6) -> list[Template]:
    found: list[Template] = []
    people = People(random.Random(1))
    with ctx.read() as session:
        bundle = current_bundle(session)
        tramites = [get_tramite(session, t.homoclave, t.version)
                    for t in session.query(Tramite).order_by(Tramite.homoclave)]
        state = session.get_one(SyncState, 1)
    clave = f"{rng.randrange(100):02d}-{rng.randrange(1000):03d}-{rng.randrange(1000):03d}"
    for tramite in tramites:
        if any(c.tipo == "archivo" and c.requerido for c in tramite.campos):
            continue  # a required scan: not generated (no anexos in these stores)
        for _ in range(per_tramite):
            found.append(_template(tramite, rng, people.person(), clave,
                                   bundle.clave_catastral_patron, bundle.uma_diaria, state))
    return found


def _template(tramite: TramiteDef, rng: random.Random, person: dict[str, str], clave: str,
              patron: str, uma: Any, state: SyncState) -> Template:
    answers: dict[str, Any] = {}
    for campo in tramite.campos:
        value = person.get(campo.clave) if campo.clave in APPLICANT_KEYS else _answer(
            campo, rng, clave)
        if value is not None:
            answers[campo.clave] = value
    result = validate_answers(tramite, answers, clave_catastral_patron=patron)
    assert not result.errors, (tramite.homoclave, result.errors)
    cobros = compute_cobros(tramite, result.cleaned, uma)
    requisitos = [{"clave": r.clave, "recibido": True, "nota": ""} for r in tramite.requisitos]
    payload = build_payload(uuid=str(uuidlib.uuid4()), folio="X-V01-2024-000001",
                            tramite=tramite, cleaned=result.cleaned, requisitos=requisitos,
                            cobros=cobros, user="operador", captured_at=START, state=state,
                            attachments=[]).model_dump(mode="json")
    return Template(tramite.homoclave, tramite.version,
                    {k: v for k, v in payload["answers"].items() if k not in APPLICANT_KEYS},
                    requisitos, payload["cobros"], f"{total(cobros):.2f}",
                    tuple(k for k in APPLICANT_KEYS if k in payload["answers"]))


_EPOCH = datetime(1970, 1, 1)


def uuid7(at: datetime, rng: random.Random) -> str:
    ms = (at - _EPOCH) // timedelta(milliseconds=1)  # `at` is naive UTC
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64
    value |= 0b10 << 62 | rng.getrandbits(62)
    return str(uuidlib.UUID(int=value))


def schedule(n: int, rng: random.Random) -> Iterator[tuple[datetime, bool]]:
    """(captured_at, own) in insertion order: one capture every ~40 s of office time; a record
    from the other window is inserted (pulled) a few captures after it was captured."""
    at, late = START, []
    for _ in range(n):
        at += timedelta(seconds=rng.randrange(20, 60))
        if at.hour >= 15:
            at = at.replace(hour=8, minute=0) + timedelta(days=1)
        if rng.random() < OWN_SHARE:
            yield at, True
        else:
            late.append((at, rng.randrange(2, 12)))
        still = []
        for when, wait in late:
            if wait <= 0:
                yield when, False
            else:
                still.append((when, wait - 1))
        late = still
    for when, _wait in late:
        yield when, False


def hashed_content(content: dict[str, Any]) -> tuple[str, str]:
    """(content_sha256, the canonical JSON of the content carrying it): the content hash covers
    the content without its own key, the outbox payload is the content with it. Each value is
    encoded once: the sorted keys put the hash between the entries before and after it."""
    before = _CANONICAL.encode({k: v for k, v in content.items() if k < _HASH_KEY})[1:-1]
    after = _CANONICAL.encode({k: v for k, v in content.items() if k > _HASH_KEY})[1:-1]
    without = "{" + ",".join(p for p in (before, after) if p) + "}"
    digest = hashlib.sha256(without.encode()).hexdigest()
    entry = f'"{_HASH_KEY}":"{digest}"'
    return digest, "{" + ",".join(p for p in (before, entry, after) if p) + "}"


@dataclass
class Chunk:
    """One transaction's rows, as column tuples in the bulk loader's column order."""

    expedientes: list[tuple[Any, ...]] = field(default_factory=list)
    outbox: list[tuple[Any, ...]] = field(default_factory=list)
    acked: int = 0  # the first `acked` outbox rows were acknowledged by the platform
    audit: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Finish:
    """What the store records once every row is in: the audit head and the folio counters."""

    head_seq: int
    head_mac: str
    folio_years: dict[int, int]


class RowMaker:
    """Builds a store's rows from its seed and the office it goes into (picklable)."""

    def __init__(self, ctx: AppContext, seed: int = 15) -> None:
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.templates = templates(ctx, self.rng)
        self.template_columns = [t.columns for t in self.templates]
        with ctx.read() as session:
            state = session.get_one(SyncState, 1)
            self.oficina, self.ventanilla, self.machine = (state.oficina, state.ventanilla,
                                                           state.machine_id)
            last = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
            self.prev_hash = last.hash if last else GENESIS_HASH
            self.prev_link = (last.mac or last.hash) if last else GENESIS_HASH
            self.seq = last.id if last else 0
            self.key = keys_of(session).load_or_create(self.seq + 1)
        self.folio = {"own": 0, "other": 0}

    def chunks(self, n: int, size: int) -> Iterator[Chunk | Finish]:
        """Chunks of `size` expedientes in insertion order, then the Finish."""
        years: dict[int, int] = {}
        first_pending = int(n * (1 - PENDING_NEWEST))
        chunk = Chunk()
        for i, (at, own) in enumerate(schedule(n, self.rng)):
            pending = own and i >= first_pending
            self._add(chunk, at, own, pending, age=1 - i / n)
            if own:
                years[at.year] = self.folio["own"]
            if len(chunk.expedientes) >= size:
                yield self._checked(chunk)
                chunk = Chunk()
        if chunk.expedientes:
            yield self._checked(chunk)
        yield Finish(self.seq, self.prev_link, years)

    def _add(self, chunk: Chunk, at: datetime, own: bool, pending: bool, age: float) -> None:
        rng = self.rng
        pick = rng.randrange(len(self.templates))
        template, (requisitos, cobros, centavos) = (self.templates[pick],
                                                    self.template_columns[pick])
        person = self.people.person()
        which = "own" if own else "other"
        self.folio[which] += 1
        ventanilla = self.ventanilla if own else "V02"
        answers = dict(template.answers)
        for key in template.applicant_keys:
            answers[key] = person[key]
        uuid = uuid7(at, rng)
        folio = f"{self.oficina}-{ventanilla}-{at.year}-{self.folio[which]:06d}"
        created_by, rfc = rng.choice(OPERADORES), person["rfc"] if "rfc" in answers else None
        content = {
            "uuid": uuid, "folio": folio, "tramite_homoclave": template.homoclave,
            "tramite_version": template.version, "answers": answers,
            "requisitos": template.requisitos, "cobros": template.cobros,
            "total": template.total, "nombre": person["nombre"], "curp": person["curp"],
            "rfc": rfc, "created_by": created_by, "captured_at": f"{at:%Y-%m-%dT%H:%M:%S}Z",
            "origin_machine": self.machine if own else OTHER_MACHINE,
            "oficina": self.oficina, "ventanilla": ventanilla, "attachments": [],
        }
        digest, payload = hashed_content(content)
        status, status_at = "capturado", None
        if age > 0.02 and not pending:
            status = rng.choices(_STATUSES, cum_weights=_STATUS_WEIGHTS)[0]
            status_at = (at + timedelta(days=rng.randrange(1, 10))).strftime(SQLA_DATETIME)
        stamp = at.strftime(SQLA_DATETIME)
        chunk.expedientes.append((
            uuid, folio, template.homoclave, template.version, json_text(answers), requisitos,
            cobros, centavos, person["nombre"], person["curp"], rfc, status,
            "plataforma" if status_at else None, status_at,
            "Cancelado por el solicitante" if status == "anulado" else None, created_by, stamp,
            content["origin_machine"], digest, "pendiente" if pending else "sincronizado"))
        if not own:
            return
        chunk.outbox.append(("expediente.create", uuid, payload,
                             hashlib.sha256(payload.encode()).hexdigest(), "pending", 0 if pending
                             else 1, stamp))
        if not pending:
            assert chunk.acked == len(chunk.outbox) - 1, "pending captures are the newest"
            chunk.acked += 1
        chunk.audit.append(self._audit(at, stamp, created_by, folio,
                                       {"uuid": uuid, "sha256": digest}, check=not chunk.audit))

    def _audit(self, at: datetime, stamp: str, actor: str, folio: str, detail: dict[str, str],
               check: bool) -> tuple[Any, ...]:
        """The next audit entry; `check`: also computed by the app's functions, which must agree."""
        seq, prev_hash, prev_link = self.seq + 1, self.prev_hash, self.prev_link
        body = {"prev": prev_hash, "at": at.isoformat(), "actor": actor, "action": CAPTURED,
                "entity": folio, "detail": detail}
        this = hashlib.sha256(_CANONICAL.encode(body).encode()).hexdigest()
        link = _CANONICAL.encode({"seq": seq, "hash": this, "prev": prev_link}).encode()
        mac = hmac.new(self.key.secret, link, hashlib.sha256).hexdigest()
        if check:
            assert row_hash(prev_hash, at, actor, CAPTURED, folio, detail) == this
            assert row_mac(self.key, seq, this, prev_link) == mac
        self.prev_hash, self.prev_link, self.seq = this, mac, seq
        return (seq, stamp, actor, CAPTURED, folio, json_text(detail), prev_hash, this, mac)

    def _checked(self, chunk: Chunk) -> Chunk:
        """The chunk, once its first capture's payload and hashes are what wire/canonical.py gives
        (its audit entry was checked as it was made)."""
        if chunk.outbox:
            payload = json.loads(chunk.outbox[0][2])
            assert canonical_json(payload).decode() == chunk.outbox[0][2]
            assert payload_sha256(payload) == chunk.outbox[0][3]
            digest = payload.pop(_HASH_KEY)
            assert payload_sha256(payload) == digest
        return chunk


_STATUSES = [s for s, _ in LATER_STATUSES]
_STATUS_WEIGHTS = [sum(w for _, w in LATER_STATUSES[:i + 1]) for i in range(len(LATER_STATUSES))]

