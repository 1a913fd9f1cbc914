"""The machine's receipt key and the signed verification URL printed as a QR (ARCHITECTURE §9).

The Ed25519 private key lives in the credential store ("receipt_private_key"); its public half is
kept in Setting "receipt_public_key" so it can be shown, exported and sent at enrollment. A key
replaced because the credential store lost it is kept in "receipt_public_keys_retired", so
receipts printed before still verify.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from desktop.access.credentials import CredentialStore
from desktop.context import AppContext
from desktop.errors import NotFound
from desktop.states import ExpedienteStatus, status_label
from formatting import format_date_long, format_money, to_centavos
from localdb.models import Expediente, Setting, SyncState
from wire.receipts import (
    machine_of_url,
    parse_receipt_url,
    receipt_is_authentic,
    sign_receipt_url,
)

log = logging.getLogger(__name__)

PRIVATE_KEY_NAME = "receipt_private_key"
PUBLIC_KEY_SETTING = "receipt_public_key"
RETIRED_KEYS_SETTING = "receipt_public_keys_retired"
VERIFY_BASE_SETTING = "verify_base_url"
DEFAULT_VERIFY_BASE = "https://verifica.ventanilla.invalid"
MALFORMED = "Comprobante NO válido: el enlace no tiene el formato de verificación de Ventanilla."
TAMPERED = ("Comprobante NO válido: la firma no corresponde a los datos; el folio, el total, "
            "la fecha o la huella del expediente fueron alterados.")


@dataclass(frozen=True)
class ReceiptSigner:
    machine_id: str
    base_url: str
    private_key: Ed25519PrivateKey

    def url(self, folio: str, total: Decimal, on: date, expediente_sha256: str) -> str:
        """`{base}/v/{machine_id}/{folio}?t=..&d=..&h=..&s=..` (wire.receipts)."""
        return sign_receipt_url(self.private_key, self.base_url, self.machine_id, folio,
                                f"{to_centavos(total):.2f}", on, expediente_sha256)


@dataclass(frozen=True)
class ReceiptCheck:
    authentic: bool
    folio: str | None
    total: Decimal | None
    date: date | None
    sha256: str | None
    message_es: str
    machine_id: str | None = None


def _not_valid(message: str = MALFORMED, machine_id: str | None = None) -> ReceiptCheck:
    return ReceiptCheck(False, None, None, None, None, message, machine_id)


def verify_receipt_url(url: str, public_key_pem: str | None) -> ReceiptCheck:
    """Check a QR's URL offline against a receipt public key (None: parse only, never authentic)."""
    fields = parse_receipt_url(url)
    if fields is None or public_key_pem is None:
        return _not_valid(machine_id=machine_of_url(url))
    if not receipt_is_authentic(fields, public_key_pem):
        return _not_valid(TAMPERED, fields.machine_id)
    total = Decimal(fields.total)
    message = (f"Comprobante AUTÉNTICO: folio {fields.folio}, total {format_money(total)}, "
               f"fecha {format_date_long(fields.date)}.")
    return ReceiptCheck(True, fields.folio, total, fields.date, fields.sha256, message,
                        fields.machine_id)


def _public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _get_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def _put_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def _retire(session: Session, public_pem: str) -> None:
    retired: list[str] = json.loads(_get_setting(session, RETIRED_KEYS_SETTING) or "[]")
    if public_pem not in retired:
        retired.append(public_pem)
        _put_setting(session, RETIRED_KEYS_SETTING, json.dumps(retired))


def ensure_receipt_key(session: Session, store: CredentialStore) -> Ed25519PrivateKey:
    """Load the machine key, creating it on first use, and keep the Setting copy in step."""
    stored = store.get(PRIVATE_KEY_NAME)
    if stored is None:
        key = Ed25519PrivateKey.generate()
        store.set(PRIVATE_KEY_NAME, _private_pem(key))
        log.info("created the receipt signing key")
    else:
        loaded = serialization.load_pem_private_key(stored.encode("ascii"), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise TypeError("receipt_private_key is not an Ed25519 key")
        key = loaded
    public = _public_pem(key.public_key())
    shown = _get_setting(session, PUBLIC_KEY_SETTING)
    if shown != public:
        if shown:
            log.warning("receipt key replaced; the previous public key is kept as retired")
            _retire(session, shown)
        _put_setting(session, PUBLIC_KEY_SETTING, public)
    return key


def _machine(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        raise NotFound("El equipo aún no está configurado (sin oficina ni ventanilla).")
    return state


def load_signer(session: Session, store: CredentialStore) -> ReceiptSigner:
    """Everything needed to sign receipt URLs, read inside the caller's session."""
    state = _machine(session)
    base = state.server_url or _get_setting(session, VERIFY_BASE_SETTING) or DEFAULT_VERIFY_BASE
    return ReceiptSigner(state.machine_id, base.rstrip("/"), ensure_receipt_key(session, store))


def receipt_url(ctx: AppContext, folio: str, total: Decimal, date: date,
                expediente_sha256: str) -> str:
    with ctx.write() as session:
        signer = load_signer(session, CredentialStore(ctx.data_dir))
    return signer.url(folio, total, date, expediente_sha256)


def receipt_public_key_pem(ctx: AppContext) -> str:
    """This machine's receipt public key (PEM), creating the pair if needed: for enrollment."""
    with ctx.write() as session:
        key = ensure_receipt_key(session, CredentialStore(ctx.data_dir))
    return _public_pem(key.public_key())


def _known_public_keys(session: Session) -> list[str]:
    current = _get_setting(session, PUBLIC_KEY_SETTING)
    retired: list[str] = json.loads(_get_setting(session, RETIRED_KEYS_SETTING) or "[]")
    return ([current] if current else []) + retired


def verify_receipt_command(ctx: AppContext, url: str) -> tuple[int, str]:
    """CLI `verify-receipt URL`: offline check against this machine's key(s); 0 when authentic.

    The machine id in the URL is routing for the platform, not signed data: a signature by one of
    this machine's keys is authentic whatever id the URL names (e.g. printed before enrollment).
    """
    with ctx.read() as session:
        machine_id = _machine(session).machine_id
        checks = [verify_receipt_url(url, key) for key in _known_public_keys(session)]
        authentic = next((c for c in checks if c.authentic), None)
        if authentic is not None:
            return 0, authentic.message_es + _local_note(session, authentic)
        parsed = verify_receipt_url(url, None)
        if parsed.machine_id is None:
            return 1, parsed.message_es
        if parsed.machine_id != machine_id:
            return 1, ("Comprobante NO válido en este equipo: fue emitido por otro equipo "
                       f"({parsed.machine_id}). Verifíquelo en la plataforma municipal.")
        if not checks:
            return 1, "Comprobante NO válido: este equipo aún no ha emitido comprobantes firmados."
        return 1, checks[0].message_es


def _local_note(session: Session, check: ReceiptCheck) -> str:
    """What this machine's own record adds: a cancelled expediente is still worth saying."""
    expediente = session.query(Expediente).filter_by(folio=check.folio).one_or_none()
    if expediente is not None and expediente.cancel_reason:
        cancelled = status_label(ExpedienteStatus.CANCELADO).upper()
        return f" Atención: el expediente fue {cancelled} ({expediente.cancel_reason})."
    return ""
