"""Local SQLite store: models, engine set-up, migrations and queries. Imports nothing of ours."""
