"""Sync client tests against the real central platform on loopback (issue 5)."""
