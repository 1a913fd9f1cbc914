"""Per-type field checkers behind `desktop.validation`; each returns a `FieldCheck`."""
