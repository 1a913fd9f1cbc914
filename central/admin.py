"""Back-office operations behind `python -m central …`; tests call them directly too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from central import migrate, users
from central.bundles import BundleRefused, publish
from central.changes import ensure_scope
from central.db import Database
from central.expediente_status import StatusChange, StatusRefused, change_status
from central.machine_staleness import stale_rule
from central.models import (
    ENROLL_CODE_TTL_HOURS,
    EnrollCode,
    Machine,
    Office,
    Platform,
    utc_now,
)
from central.publish_preview import PublishPreview, preview_publish
from central.security import (
    enroll_code_sha256,
    new_enroll_code,
    new_epoch,
    new_keypair_pem,
)
from wire.staleness import Staleness

ROLES = users.ROLES
MAX_ENROLL_CODE_TTL_HOURS = 24 * 30


# An office's or window's clave: it starts every folio ("OFICINA-VENTANILLA-AÑO-N", so no "-")
# and is a path segment of the console ("/" or spaces would break its links).
_CLAVE = re.compile(r"[A-Z0-9_]{1,32}")


def _check_clave(clave: str, what: str) -> None:
    if not _CLAVE.fullmatch(clave):
        raise AdminError(f"La clave de la {what} debe ser de 1 a 32 letras mayúsculas, números "
                         "o «_» (sin espacios ni guiones).")


class AdminError(Exception):
    """A refused admin command; the message is Spanish and printed as is."""


@dataclass(frozen=True)
class MachineRow:
    id: str
    office: str
    ventanilla: str
    last_mutation_id: int
    pending: int | None
    last_seen: datetime | None
    app_version: str
    config_applied: int | None = None  # reported by the window (central/machine_report.py)
    stale: Staleness = Staleness.AL_DIA  # the bundle's thresholds (central/machine_staleness.py)
    revoked: bool = False


def init_platform(db: Database) -> tuple[str, bool]:
    """Migrate the schema to head and, the first time, create the platform key pair and epoch:
    (epoch, created)."""
    migrate.upgrade(db)
    with db.write() as session:
        platform = session.get(Platform, 1)
        if platform is not None:
            return platform.epoch, False
        private, public = new_keypair_pem()
        epoch = new_epoch()
        session.add(Platform(id=1, private_key_pem=private, public_key_pem=public, epoch=epoch))
    return epoch, True


def create_office(db: Database, clave: str, nombre: str, municipio: str = "") -> None:
    _check_clave(clave, "oficina")
    if not nombre.strip() or len(nombre) > 200 or len(municipio) > 200:
        raise AdminError("Indique el nombre de la oficina (hasta 200 caracteres) y su municipio "
                         "(hasta 200).")
    with db.write() as session:
        if session.get(Office, clave) is not None:
            raise AdminError(f"La oficina {clave} ya existe.")
        session.add(Office(clave=clave, nombre=nombre, municipio=municipio))
        session.flush()
        ensure_scope(session, clave)


def issue_enroll_code(db: Database, office: str, ventanilla: str,
                      ttl_hours: float = ENROLL_CODE_TTL_HOURS) -> tuple[str, datetime]:
    """A one-time enrollment code for window `ventanilla` of `office`, valid for `ttl_hours`:
    (code, expiry in naive UTC). Only the code's hash is kept."""
    if not 0 < ttl_hours <= MAX_ENROLL_CODE_TTL_HOURS:
        raise AdminError(
            f"La vigencia del código debe ser mayor que 0 y de hasta "
            f"{MAX_ENROLL_CODE_TTL_HOURS} horas."
        )
    _check_clave(ventanilla, "ventanilla")
    code = new_enroll_code()
    expires_at = utc_now() + timedelta(hours=ttl_hours)
    with db.write() as session:
        if session.get(Office, office) is None:
            raise AdminError(f"No existe la oficina {office}: créela con create-office.")
        session.add(EnrollCode(code_sha256=enroll_code_sha256(code), office=office,
                               ventanilla=ventanilla, expires_at=expires_at))
    return code, expires_at


def create_enroll_code(db: Database, office: str, ventanilla: str,
                       ttl_hours: float = ENROLL_CODE_TTL_HOURS) -> str:
    """Just the code of `issue_enroll_code`."""
    return issue_enroll_code(db, office, ventanilla, ttl_hours)[0]


def add_user(db: Database, username: str, role: str, full_name: str, password: str,
             office: str | None = None, dependencia: str | None = None) -> None:
    """users.create_user with an AdminError (kept for scripts and tests that call it)."""
    try:
        users.create_user(db, users.NewUser(username, role, full_name, password, office,
                                            dependencia))
    except users.UserError as exc:
        raise AdminError(str(exc)) from exc


def publish_config(db: Database, raw: bytes) -> int:
    """Sign and publish a bundle file (payload or envelope); returns its version."""
    with db.write() as session:
        try:
            return publish(session, raw).version
        except BundleRefused as exc:
            raise AdminError(str(exc)) from exc


def preview_publish_config(db: Database, raw: bytes) -> PublishPreview:
    """The impact report publishing `raw` would have; nothing is written."""
    with db.read() as session:
        try:
            return preview_publish(session, raw)
        except BundleRefused as exc:
            raise AdminError(str(exc)) from exc


def set_status(db: Database, folio: str, status: str, note: str | None = None,
               official_folio: str | None = None) -> int:
    """Back-office status change (expediente_status); returns the pull change's version."""
    try:
        return change_status(db, StatusChange(folio, status, note, official_folio))
    except StatusRefused as exc:
        raise AdminError(str(exc)) from exc


def list_machines(db: Database) -> list[MachineRow]:
    with db.read() as session:
        rule = stale_rule(session)
        rows = session.scalars(select(Machine).order_by(Machine.office, Machine.ventanilla))
        return [
            MachineRow(m.id, m.office, m.ventanilla, m.last_mutation_id, m.pending,
                       m.last_seen, m.app_version, m.config_applied,
                       Staleness.AL_DIA if m.revoked_at else rule.level(m),
                       m.revoked_at is not None)
            for m in rows
        ]


def reset_epoch(db: Database) -> str:
    """A new epoch: every client's next pull gets 410 and starts over from cursor 0."""
    epoch = new_epoch()
    with db.write() as session:
        session.execute(update(Platform).where(Platform.id == 1).values(epoch=epoch))
    return epoch
