"""The papers: acuse and orden de pago / recibo data, receipt QR signing, printer choice."""
