"""The QR on the paper: scanned back from the rendered page and checked offline."""

from __future__ import annotations

import json
import stat
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from desktop.documents.receipts import (
    DEFAULT_VERIFY_BASE,
    PUBLIC_KEY_SETTING,
    RETIRED_KEYS_SETTING,
    ReceiptSigner,
    receipt_public_key_pem,
    receipt_url,
    verify_receipt_command,
    verify_receipt_url,
)
from desktop.documents.service import produce_document
from localdb.models import Expediente, Setting, SyncState
from tests.document_fixtures import FOLIO, MACHINE_ID, SHA, Office


def scan_qr(pdf: bytes, dpi: int = 200) -> str:
    """Rasterise page 1 like a phone photo or office scanner would, and decode the QR."""
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72).to_pil()
    document.close()
    found = zxingcpp.read_barcodes(image)
    qr = [b for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(qr) == 1, found
    return str(qr[0].text)


def test_qr_on_the_acuse_scans_and_verifies(office: Office) -> None:
    pdf = produce_document(office.ctx, office.user, FOLIO, "acuse", "carta")
    url = scan_qr(pdf)
    assert url.startswith(f"{DEFAULT_VERIFY_BASE}/v/{MACHINE_ID}/{FOLIO}?")
    code, message = verify_receipt_command(office.ctx, url)
    assert code == 0
    assert message == ("Comprobante AUTÉNTICO: folio OFI-V03-2026-000123, total $1,234.50, "
                       "fecha 23 de noviembre de 2026.")


@pytest.mark.parametrize(("doc", "layout", "dpi"), [("recibo", "ticket", 150),
                                                    ("recibo", "carta", 150),
                                                    ("acuse", "ticket", 200)])
def test_qr_scans_from_every_layout(office: Office, doc: str, layout: str, dpi: int) -> None:
    url = scan_qr(produce_document(office.ctx, office.user, FOLIO, doc, layout), dpi)
    assert verify_receipt_command(office.ctx, url)[0] == 0


@pytest.mark.parametrize(("field", "forged"), [
    ("t=1234.50", "t=1.00"), ("t=1234.50", "t=1234.5"), ("d=2026-11-23", "d=2026-11-24"),
    (f"h={SHA}", "h=" + "0" * 64), (f"/{FOLIO}?", "/OFI-V03-2026-000124?"),
])
def test_any_changed_field_fails_verification(office: Office, field: str, forged: str) -> None:
    url = scan_qr(produce_document(office.ctx, office.user, FOLIO, "recibo", "carta"))
    assert field in url
    code, message = verify_receipt_command(office.ctx, url.replace(field, forged))
    assert code == 1
    assert message.startswith("Comprobante NO válido")


def test_malformed_and_foreign_urls_are_not_valid(office: Office) -> None:
    url = receipt_url(office.ctx, FOLIO, Decimal("1234.50"), date(2026, 11, 23), SHA)
    assert verify_receipt_command(office.ctx, "https://example.mx/otra/cosa")[1].startswith(
        "Comprobante NO válido: el enlace no tiene el formato")
    truncated = url[: url.index("&s=")]
    assert verify_receipt_command(office.ctx, truncated)[0] == 1
    other = ReceiptSigner("OTRO-EQUIPO", DEFAULT_VERIFY_BASE, Ed25519PrivateKey.generate())
    code, message = verify_receipt_command(
        office.ctx, other.url(FOLIO, Decimal("1234.50"), date(2026, 11, 23), SHA))
    assert code == 1 and "otro equipo (OTRO-EQUIPO)" in message


def test_our_signature_is_authentic_whatever_machine_id_the_url_names(office: Office) -> None:
    url = receipt_url(office.ctx, FOLIO, Decimal("1234.50"), date(2026, 11, 23), SHA)
    assert verify_receipt_command(office.ctx, url.replace(MACHINE_ID, "DEMO-ABCD"))[0] == 0


def test_a_cancelled_expediente_is_flagged_even_when_authentic(office: Office) -> None:
    url = receipt_url(office.ctx, FOLIO, Decimal("1234.50"), date(2026, 11, 23), SHA)
    with office.ctx.write() as s:
        s.scalars(select(Expediente)).one().cancel_reason = "Captura duplicada"
    code, message = verify_receipt_command(office.ctx, url)
    assert code == 0
    assert message.endswith("Atención: el expediente fue CANCELADO (Captura duplicada).")


def test_verify_receipt_url_returns_the_signed_fields(office: Office) -> None:
    url = receipt_url(office.ctx, FOLIO, Decimal("99.999"), date(2026, 1, 2), SHA)
    check = verify_receipt_url(url, receipt_public_key_pem(office.ctx))
    assert check.authentic
    assert (check.folio, check.total, check.date, check.sha256) == (
        FOLIO, Decimal("100.00"), date(2026, 1, 2), SHA)
    assert check.machine_id == MACHINE_ID


def test_key_is_created_once_kept_secret_and_public_half_shown(office: Office) -> None:
    first = receipt_public_key_pem(office.ctx)
    assert first == receipt_public_key_pem(office.ctx)
    assert first.startswith("-----BEGIN PUBLIC KEY-----")
    with office.ctx.write() as s:
        assert s.get_one(Setting, PUBLIC_KEY_SETTING).value == first
    secrets_file = office.ctx.data_dir / "credentials.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert "PRIVATE KEY" in json.loads(secrets_file.read_text())["receipt_private_key"]


def test_receipts_signed_before_a_lost_key_still_verify(office: Office) -> None:
    old_url = receipt_url(office.ctx, FOLIO, Decimal("10"), date(2026, 3, 1), SHA)
    (office.ctx.data_dir / "credentials.json").unlink()  # the credential store lost the key
    new_url = receipt_url(office.ctx, FOLIO, Decimal("10"), date(2026, 3, 1), SHA)
    assert old_url != new_url
    with office.ctx.write() as s:
        assert len(json.loads(s.get_one(Setting, RETIRED_KEYS_SETTING).value)) == 1
    assert verify_receipt_command(office.ctx, old_url)[0] == 0
    assert verify_receipt_command(office.ctx, new_url)[0] == 0


def test_base_url_is_the_platform_when_enrolled_else_the_setting(office: Office) -> None:
    with office.ctx.write() as s:
        s.add(Setting(key="verify_base_url", value="https://verifica.hermosillo.gob.mx/"))
    url = receipt_url(office.ctx, FOLIO, Decimal("1"), date(2026, 3, 1), SHA)
    assert url.startswith(f"https://verifica.hermosillo.gob.mx/v/{MACHINE_ID}/")
    with office.ctx.write() as s:
        s.get_one(SyncState, 1).server_url = "https://plataforma.hermosillo.gob.mx"
    url = receipt_url(office.ctx, FOLIO, Decimal("1"), date(2026, 3, 1), SHA)
    assert url.startswith(f"https://plataforma.hermosillo.gob.mx/v/{MACHINE_ID}/")


def test_before_any_receipt_was_signed_nothing_verifies(office: Office) -> None:
    stranger = ReceiptSigner(MACHINE_ID, DEFAULT_VERIFY_BASE, Ed25519PrivateKey.generate())
    code, message = verify_receipt_command(
        office.ctx, stranger.url(FOLIO, Decimal("1"), date(2026, 1, 1), SHA))
    assert (code, message) == (
        1, "Comprobante NO válido: este equipo aún no ha emitido comprobantes firmados.")
