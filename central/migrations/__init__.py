"""Alembic environment of the central platform's database (applied by `central.migrate`)."""
