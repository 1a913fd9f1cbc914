"""Render sample documents to docs/screenshots/: acuse-carta.png (with the fecha compromiso),
ticket.png (a recibo de pago), recibo-carta.png (a demo reprint), and the orden de pago with its
fecha límite, línea de captura and Code 128 barcode: orden-pago-carta.png, orden-pago-ticket.png.

Run: .venv/bin/python scripts/render_document_samples.py [OUT_DIR]   (needs pdftoppm, poppler-utils)
The QR carries a real-length signed URL (an ephemeral key), so it looks and scans like the real one.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.documents.receipts import DEFAULT_VERIFY_BASE, ReceiptSigner
from printing.acuse import render_acuse
from printing.document_data import DocumentData
from printing.recibo import render_recibo
from printing.sample_document import sample_document_data

CARTA_DPI = 100  # 850 x 1100 px
TICKET_DPI = 150  # 80 mm → 472 px wide, the size it reads at on paper
ORDEN_DPI = 110  # small, for reading in the README (zbar needs about 150 dpi to scan the bars)


def signed_sample(**overrides: object) -> DocumentData:
    data = sample_document_data(**overrides)
    signer = ReceiptSigner("0192f3e4-5b6c-7d8e-9f00-112233445566", DEFAULT_VERIFY_BASE,
                           Ed25519PrivateKey.generate())
    url = signer.url(data.folio, data.total, data.captured_at.date(), "3f" * 32)
    return replace(data, qr_url=url)


def write_png(pdf: bytes, target: Path, dpi: int) -> None:
    """Page 1 of `pdf` as `target`, rasterised by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(target.with_suffix(""))], check=True)
    print(f"wrote {target}")


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_png(render_acuse(signed_sample(demo=False), "carta"), out_dir / "acuse-carta.png",
              CARTA_DPI)
    write_png(render_recibo(signed_sample(demo=False, payment_method="efectivo"), "ticket"),
              out_dir / "ticket.png", TICKET_DPI)
    write_png(render_recibo(signed_sample(demo=True, reprint_number=1), "carta"),
              out_dir / "recibo-carta.png", CARTA_DPI)
    for layout in ("carta", "ticket"):
        write_png(render_recibo(signed_sample(demo=False), layout),
                  out_dir / f"orden-pago-{layout}.png", ORDEN_DPI)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
