"""Render sample documents to docs/screenshots/ (acuse-carta.png, ticket.png, recibo-carta.png).

Run: .venv/bin/python scripts/render_document_samples.py [OUT_DIR]
The QR carries a real-length signed URL (an ephemeral key), so it looks and scans like the real one.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.receipt_signing import DEFAULT_VERIFY_BASE, ReceiptSigner
from printing.acuse import render_acuse
from printing.document_data import DocumentData
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data

DPI = 100


def signed_sample(**overrides: object) -> DocumentData:
    data = sample_document_data(**overrides)
    signer = ReceiptSigner("0192f3e4-5b6c-7d8e-9f00-112233445566", DEFAULT_VERIFY_BASE,
                           Ed25519PrivateKey.generate())
    url = signer.url(data.folio, data.total, data.captured_at.date(), "3f" * 32)
    return replace(data, qr_url=url)


def write_png(pdf: bytes, target: Path) -> None:
    document = pdfium.PdfDocument(pdf)
    document[0].render(scale=DPI / 72).to_pil().save(target)
    document.close()
    print(f"wrote {target}")


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_png(render_acuse(signed_sample(demo=False), "carta"), out_dir / "acuse-carta.png")
    write_png(render_recibo(signed_sample(demo=False, payment_method="efectivo"), "ticket"),
              out_dir / "ticket.png")
    write_png(render_recibo(signed_sample(demo=True, reprint_number=1), "carta"),
              out_dir / "recibo-carta.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
