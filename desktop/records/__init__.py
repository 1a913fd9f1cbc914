"""Expedientes once captured: lists, filters, payments, cancellation, outbox, audit log."""
