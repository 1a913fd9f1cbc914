"""Realistic local stores for the benchmarks (issue 15): N expedientes as a municipality's window
leaves them after months of work.

What a store holds, per expediente, is what the app writes:
  - captured here (about 3 in 4): the `expedientes` row (answers that pass the trámite's
    validation, Mexican names from Faker's es_MX lists with the frequent surnames weighted as in
    Mexico, valid CURPs and RFCs), its FTS row (the app's trigger), its `expediente.create`
    outbox mutation (canonical JSON, sha256) — acknowledged, except the newest ones, still
    pending — and its keyed `expediente.capturado` audit entry (hash chain and MAC, as
    desktop/records/audit.py computes them);
  - pulled from the office's other window (V02): the row and its FTS row only, arriving a few
    captures late, so rowid order is not exactly capture order;
  - older expedientes moved by the platform (recibido, en revisión, validado, resuelto…) and a few
    cancelled, as pulls leave them.
Rows are written with bulk SQL, one transaction per chunk. The trámite answers come from a few
templates per trámite run through the app's own validation, fees and payload builder; the
applicant's fields change per row. tests/test_store_generator.py proves a generated store passes
`verify-audit`'s checks and opens and lists in the app.

`cached_store(n)` keeps one generated data folder per size under .deps/bench (BENCH_STORE_DIR
overrides) and copies it for each use: the second run of a benchmark does not generate again.
"""

from __future__ import annotations

import json
import random
import shutil
import string
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from desktop.bundles.apply import current_bundle
from desktop.bundles.catalog import get_tramite
from desktop.bundles.schema import TramiteDef
from desktop.capture.fees import compute_cobros, total
from desktop.capture.payload import build_payload
from desktop.capture.validation import validate_answers
from desktop.context import AppContext
from desktop.records.audit import GENESIS_HASH, HEAD_SETTING, row_hash, row_mac
from desktop.records.audit_key import keys_of
from localdb.engine import json_text
from localdb.models import AuditEntry, SyncState, Tramite
from tests.demo_office import open_demo_office
from tests.raw_store import raw_connect
from wire.canonical import canonical_json, payload_sha256

GENERATOR_VERSION = 2  # bump when the rows change: cached stores of another version are remade
START = datetime(2024, 1, 2, 8, 0)
OWN_SHARE = 0.75  # captured at this window; the rest is pulled from V02
PENDING_NEWEST = 0.005  # the newest captures not pushed yet
CHUNK = 20_000
OTHER_MACHINE = "bench-v02-machine"
OPERADORES = ("operador", "operador2", "lcastro", "mramos")
# The surnames most frequent in Mexico, with roughly their share (RENAPO/INEGI): a search for one
# of them matches many thousands of expedientes, as it does at a real window.
FREQUENT_SURNAMES = {"Hernández": 4.6, "García": 4.2, "Martínez": 3.6, "López": 3.3,
                     "González": 3.0, "Pérez": 2.4, "Rodríguez": 2.3, "Sánchez": 2.2,
                     "Ramírez": 2.1, "Cruz": 1.5, "Flores": 1.5, "Gómez": 1.4, "Morales": 1.2,
                     "Vázquez": 1.2, "Reyes": 1.1, "Jiménez": 1.1, "Torres": 1.0, "Díaz": 1.0,
                     "Gutiérrez": 1.0, "Ruiz": 0.9, "Mendoza": 0.9, "Aguilar": 0.9}
LATER_STATUSES = (("recibido", 30), ("en_revision", 15), ("validado", 15), ("resuelto", 30),
                  ("devuelto", 3), ("rechazado", 2), ("anulado", 1))
ESTADOS = ("AS", "BC", "BS", "CC", "CS", "CH", "CL", "CM", "DF", "DG", "GT", "GR", "HG", "JC",
           "MC", "MN", "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS",
           "TL", "VZ", "YN", "ZS")
INCONVENIENT = frozenset({
    "BACA", "BAKA", "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE",
    "COJA", "COJE", "COJI", "COJO", "CULO", "FETO", "GUEY", "JOTO", "KACA", "KACO", "KAGA",
    "KAGO", "KAKA", "KOGE", "KOJO", "KULO", "MAME", "MAMO", "MEAR", "MEAS", "MEON", "MION",
    "MOCO", "MULA", "PEDA", "PEDO", "PENE", "PUTA", "PUTO", "QULO", "RATA", "RUIN"})
SQLA_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def _plain(text: str) -> str:
    table = str.maketrans("ÁÉÍÓÚÜÑáéíóúüñ", "AEIOUUXaeiouux")
    return text.translate(table).upper()


def _first_vowel(word: str) -> str:
    return next((c for c in word[1:] if c in "AEIOU"), "X")


def _first_consonant(word: str) -> str:
    return next((c for c in word[1:] if c.isalpha() and c not in "AEIOU"), "X")


class People:
    """Applicants: names, CURP, RFC, contact data, drawn from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        from faker import Faker
        from faker.providers.person.es_MX import Provider

        self.rng = rng
        fake = Faker("es_MX")
        fake.seed_instance(rng.randrange(1 << 30))
        self.males, self.females = list(Provider.first_names_male), list(
            Provider.first_names_female)
        rare = [s for s in Provider.last_names if s not in FREQUENT_SURNAMES]
        self.surnames = list(FREQUENT_SURNAMES) + rare
        rare_weight = (100 - sum(FREQUENT_SURNAMES.values())) / len(rare)
        self.weights = list(FREQUENT_SURNAMES.values()) + [rare_weight] * len(rare)
        self.streets = [fake.street_address() for _ in range(2_000)]
        self.colonias = [fake.city() for _ in range(300)]
        self.postcodes = [f"{rng.randrange(83000, 83400):05d}" for _ in range(400)]

    def person(self) -> dict[str, str]:
        rng = self.rng
        male = rng.random() < 0.5
        nombre = rng.choice(self.males if male else self.females)
        paterno, materno = rng.choices(self.surnames, self.weights, k=2)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
        curp = self._curp(nombre, paterno, materno, born, "H" if male else "M")
        rfc = self._rfc(curp)
        user = _plain(nombre.split()[0]).lower() + "." + _plain(paterno).lower()
        return {"nombre": f"{nombre} {paterno} {materno}", "curp": curp, "rfc": rfc,
                "telefono": f"662{rng.randrange(10**7):07d}",
                "email": f"{user}{rng.randrange(100)}@{rng.choice(('gmail.com', 'hotmail.com'))}",
                "domicilio": f"{rng.choice(self.streets)}, col. {rng.choice(self.colonias)}",
                "cp": rng.choice(self.postcodes)}

    def _curp(self, nombre: str, paterno: str, materno: str, born: date, sex: str) -> str:
        p, m, n = _plain(paterno).replace(" ", ""), _plain(materno), _plain(nombre).split()[0]
        head = p[0] + _first_vowel(p) + m[0] + n[0]
        if head in INCONVENIENT:  # RENAPO replaces the second letter of these with X
            head = head[0] + "X" + head[2:]
        body = (f"{head}{born:%y%m%d}{sex}{self.rng.choice(ESTADOS)}"
                f"{_first_consonant(p)}{_first_consonant(m)}{_first_consonant(n)}"
                f"{self.rng.choice(string.digits) if born.year < 2000 else 'A'}")
        curp = body + stdnum_curp.calc_check_digit(body + "0")
        return curp

    def _rfc(self, curp: str) -> str:
        body = curp[:10]
        homo = "".join(self.rng.choice(string.ascii_uppercase[:26] + string.digits)
                       for _ in range(2))
        number = body + homo
        return number + stdnum_rfc.calc_check_digit(number + "0")


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


def _templates(ctx: AppContext, rng: random.Random, per_tramite: int = 6) -> list[Template]:
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


def _uuid7(at: datetime, rng: random.Random) -> str:
    ms = int(at.timestamp() * 1000)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64
    value |= 0b10 << 62 | rng.getrandbits(62)
    return str(uuidlib.UUID(int=value))


@dataclass
class _Chain:
    prev_hash: str
    prev_link: str
    seq: int


class StoreWriter:
    """Writes generated expedientes into an open demo office with bulk SQL."""

    def __init__(self, ctx: AppContext, seed: int = 15) -> None:
        self.ctx, self.rng = ctx, random.Random(seed)
        self.people = People(self.rng)
        self.templates = _templates(ctx, self.rng)
        with ctx.read() as session:
            state = session.get_one(SyncState, 1)
            self.oficina, self.ventanilla, self.machine = (state.oficina, state.ventanilla,
                                                           state.machine_id)
            last = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
            self.chain = _Chain(last.hash if last else GENESIS_HASH,
                                (last.mac or last.hash) if last else GENESIS_HASH,
                                last.id if last else 0)
            self.key = keys_of(session).load_or_create(self.chain.seq + 1)
        self.folio = {"own": 0, "other": 0}

    def expediente(self, at: datetime, own: bool, pending: bool, age: float) -> dict[str, Any]:
        """One expediente's columns and its payload (the wire form the outbox carries)."""
        rng, template = self.rng, self.rng.choice(self.templates)
        person = self.people.person()
        which = "own" if own else "other"
        self.folio[which] += 1
        ventanilla = self.ventanilla if own else "V02"
        answers = dict(template.answers)
        answers.update({k: person[k] for k in template.applicant_keys})
        content = {
            "uuid": _uuid7(at, rng), "folio": f"{self.oficina}-{ventanilla}-{at.year}-"
                                              f"{self.folio[which]:06d}",
            "tramite_homoclave": template.homoclave, "tramite_version": template.version,
            "answers": answers, "requisitos": template.requisitos, "cobros": template.cobros,
            "total": template.total, "nombre": person["nombre"],
            "curp": person["curp"], "rfc": person["rfc"] if "rfc" in answers else None,
            "created_by": rng.choice(OPERADORES), "captured_at": f"{at:%Y-%m-%dT%H:%M:%S}Z",
            "origin_machine": self.machine if own else OTHER_MACHINE,
            "oficina": self.oficina, "ventanilla": ventanilla, "attachments": [],
        }
        content["content_sha256"] = payload_sha256(content)
        status, status_at = "capturado", None
        if age > 0.02 and not pending:
            status = rng.choices([s for s, _ in LATER_STATUSES],
                                 [w for _, w in LATER_STATUSES])[0]
            status_at = at + timedelta(days=rng.randrange(1, 10))
        return {"content": content, "status": status, "status_at": status_at,
                "sync_state": "pendiente" if pending else "sincronizado"}

    def write_chunk(self, raw: Any, rows: list[dict[str, Any]], own: list[bool],
                    pending: list[bool]) -> None:
        expedientes, outbox, audit, acked = [], [], [], []
        for row, is_own, is_pending in zip(rows, own, pending, strict=True):
            c = row["content"]
            at = datetime.fromisoformat(c["captured_at"]).replace(tzinfo=None)  # naive UTC
            stamp = at.strftime(SQLA_DATETIME)
            expedientes.append((
                c["uuid"], c["folio"], c["tramite_homoclave"], c["tramite_version"],
                json_text(c["answers"]), json_text(c["requisitos"]), json_text(c["cobros"]),
                round(float(c["total"]) * 100), c["nombre"], c["curp"], c["rfc"], row["status"],
                "plataforma" if row["status_at"] else None,
                row["status_at"].strftime(SQLA_DATETIME) if row["status_at"] else None,
                "Cancelado por el solicitante" if row["status"] == "anulado" else None,
                c["created_by"], stamp, c["origin_machine"], c["content_sha256"],
                row["sync_state"]))
            if not is_own:
                continue
            outbox.append(("expediente.create", c["uuid"], canonical_json(c).decode(),
                           payload_sha256(c), "pending", 0 if is_pending else 1, stamp))
            if not is_pending:
                acked.append(len(outbox) - 1)  # its position among this chunk's mutations
            audit.append(self._audit(at, c))
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO expedientes(uuid, folio, tramite_homoclave, tramite_version, answers, "
            "requisitos, cobros, total_centavos, nombre, curp, rfc, status, status_by, status_at,"
            " voided_reason, created_by, captured_at, origin_machine, content_sha256, "
            "sync_state, print_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
            expedientes)
        raw.executemany(
            "INSERT INTO outbox(kind, entity_uuid, payload, sha256, state, attempts, created_at)"
            " VALUES (?,?,?,?,?,?,?)", outbox)
        raw.executemany(
            "INSERT INTO audit_log(id, at, actor, action, entity, detail, prev_hash, hash, mac)"
            " VALUES (?,?,?,?,?,?,?,?,?)", audit)
        # acknowledged by the platform as the push marks them (the store's triggers, if any,
        # compact what the platform confirmed)
        first = raw.execute("SELECT coalesce(max(mutation_id), 0) FROM outbox").fetchone()[0] - (
            len(outbox) - 1)
        raw.executemany("UPDATE outbox SET state = 'acked' WHERE mutation_id = ?",
                        [(first + i,) for i in acked])
        raw.execute("COMMIT")

    def _audit(self, at: datetime, c: dict[str, Any]) -> tuple[Any, ...]:
        chain = self.chain
        seq = chain.seq + 1
        detail = {"uuid": c["uuid"], "sha256": c["content_sha256"]}
        this = row_hash(chain.prev_hash, at, c["created_by"], "expediente.capturado",
                        c["folio"], detail)
        mac = row_mac(self.key, seq, this, chain.prev_link)
        self.chain = _Chain(this, mac, seq)
        return (seq, at.strftime(SQLA_DATETIME), c["created_by"], "expediente.capturado",
                c["folio"], json_text(detail), chain.prev_hash, this, mac)

    def finish(self, raw: Any, years: dict[int, int]) -> None:
        raw.execute("BEGIN")
        head = json.dumps({"seq": self.chain.seq, "mac": self.chain.prev_link})
        raw.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                    (HEAD_SETTING, head))
        for year, number in years.items():
            raw.execute("INSERT OR REPLACE INTO folio_counters(year, last_number) VALUES (?, ?)",
                        (year, number))
        raw.execute("COMMIT")


def _schedule(n: int, rng: random.Random) -> Iterator[tuple[datetime, bool]]:
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


def generate_store(data_dir: Path, n: int, seed: int = 15) -> None:
    """A demo office in `data_dir` with `n` generated expedientes."""
    ctx = open_demo_office(data_dir)
    try:
        writer = StoreWriter(ctx, seed)
        raw = raw_connect(ctx)
        try:
            _write_all(writer, raw, n)
        finally:
            raw.close()
    finally:
        ctx.close()


def _write_all(writer: StoreWriter, raw: Any, n: int) -> None:
    rows: list[dict[str, Any]] = []
    own: list[bool] = []
    pending: list[bool] = []
    years: dict[int, int] = {}
    first_pending = int(n * (1 - PENDING_NEWEST))
    for i, (at, is_own) in enumerate(_schedule(n, writer.rng)):
        is_pending = is_own and i >= first_pending
        rows.append(writer.expediente(at, is_own, is_pending, age=1 - i / n))
        own.append(is_own)
        pending.append(is_pending)
        if is_own:
            years[at.year] = writer.folio["own"]
        if len(rows) >= CHUNK:
            writer.write_chunk(raw, rows, own, pending)
            rows, own, pending = [], [], []
    if rows:
        writer.write_chunk(raw, rows, own, pending)
    writer.finish(raw, years)


def store_cache_dir() -> Path:
    import os

    root = os.environ.get("BENCH_STORE_DIR")
    return Path(root) if root else Path(__file__).resolve().parent.parent / ".deps" / "bench"


def cached_store(n: int, target: Path) -> float:
    """Copy a generated store of `n` expedientes into `target` (generated once, then cached);
    returns the seconds spent generating (0 when it came from the cache)."""
    import time

    source = store_cache_dir() / f"store-{n}-g{GENERATOR_VERSION}"
    took = 0.0
    if not (source / "done").exists():
        shutil.rmtree(source, ignore_errors=True)
        started = time.perf_counter()
        generate_store(source, n)
        took = time.perf_counter() - started
        (source / "done").write_text(f"{n} expedientes, {took:.0f} s\n")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("done", "logs"))
    return took
