"""The machine's receipt key and the signed verification URL printed as a QR (DESIGN §7).

The Ed25519 private key lives in the credential store ("receipt_private_key"); its public half is
kept in Setting "receipt_public_key" so it can be shown, exported and sent at enrollment. A key
replaced because the credential store lost it is kept in "receipt_public_keys_retired", so
receipts printed before still verify.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from desktop.canonical import RECEIPT_PATH_PREFIX, receipt_message
from desktop.context import AppContext
from desktop.credentials import CredentialStore
from desktop.errors import NotFound
from localdb.models import Expediente, Setting, SyncState
from printing.dates import format_date_es
from printing.money import format_money, to_centavos

log = logging.getLogger(__name__)

PRIVATE_KEY_NAME = "receipt_private_key"
PUBLIC_KEY_SETTING = "receipt_public_key"
RETIRED_KEYS_SETTING = "receipt_public_keys_retired"
VERIFY_BASE_SETTING = "verify_base_url"
DEFAULT_VERIFY_BASE = "https://verifica.ventanilla.invalid"
_RECEIPT_PATH = re.compile(re.escape(RECEIPT_PATH_PREFIX) + r"([^/?#]+)/([^/?#]+)$")
_TOTAL = re.compile(r"^\d{1,12}\.\d{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MALFORMED = "Comprobante NO válido: el enlace no tiene el formato de verificación de Ventanilla."
TAMPERED = ("Comprobante NO válido: la firma no corresponde a los datos; el folio, el total, "
            "la fecha o la huella del expediente fueron alterados.")


@dataclass(frozen=True)
class ReceiptSigner:
    machine_id: str
    base_url: str
    private_key: Ed25519PrivateKey

    def url(self, folio: str, total: Decimal, on: date, expediente_sha256: str) -> str:
        """`{base}/v/{machine_id}/{folio}?t=..&d=..&h=..&s=..`, signed over receipt_message()."""
        total_text = f"{to_centavos(total):.2f}"
        message = receipt_message(folio, total_text, on.isoformat(), expediente_sha256)
        signature = base64.urlsafe_b64encode(self.private_key.sign(message)).rstrip(b"=")
        query = urlencode({"t": total_text, "d": on.isoformat(), "h": expediente_sha256,
                           "s": signature.decode("ascii")})
        path = f"{RECEIPT_PATH_PREFIX}{quote(self.machine_id, safe='')}/{quote(folio, safe='')}"
        return f"{self.base_url}{path}?{query}"


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
    parts = urlsplit(url.strip())
    match = _RECEIPT_PATH.search(parts.path)
    if match is None:
        return _not_valid()
    machine_id, folio = unquote(match.group(1)), unquote(match.group(2))
    query = parse_qs(parts.query)
    values = {k: query.get(k, []) for k in ("t", "d", "h", "s")}
    if any(len(v) != 1 for v in values.values()):
        return _not_valid(machine_id=machine_id)
    total, day, sha, sig = (values[k][0] for k in ("t", "d", "h", "s"))
    try:
        on = date.fromisoformat(day)
        signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (ValueError, binascii.Error):
        return _not_valid(machine_id=machine_id)
    if not _TOTAL.match(total) or not _SHA256.match(sha) or public_key_pem is None:
        return _not_valid(machine_id=machine_id)
    key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise TypeError("receipt public key is not Ed25519")
    try:
        key.verify(signature, receipt_message(folio, total, day, sha))
    except InvalidSignature:
        return _not_valid(TAMPERED, machine_id)
    message = (f"Comprobante AUTÉNTICO: folio {folio}, total {format_money(Decimal(total))}, "
               f"fecha {format_date_es(on)}.")
    return ReceiptCheck(True, folio, Decimal(total), on, sha, message, machine_id)


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
    """What this machine's own record adds: a voided expediente is still worth saying."""
    expediente = session.query(Expediente).filter_by(folio=check.folio).one_or_none()
    if expediente is not None and expediente.voided_reason:
        return f" Atención: el expediente fue ANULADO ({expediente.voided_reason})."
    return ""
