"""Qt-free core of Ventanilla: use cases, domain rules, auth, config bundles, CLI commands."""

__version__ = "0.1.0"
