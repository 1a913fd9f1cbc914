"""The formas de pago a window accepts, with their Spanish labels: one list for the payment
service, the recibo, the corte and the screens (kept apart from printing so that code which only
validates or lists them does not load reportlab)."""

from __future__ import annotations

PAYMENT_METHODS = {
    "efectivo": "Efectivo",
    "tarjeta": "Tarjeta de débito o crédito",
    "transferencia": "Transferencia electrónica",
    "cheque": "Cheque",
}
