"""Support: the diagnostics export an admin sends to support, without personal data."""
