"""Per-type field checkers behind `desktop.capture.validation`; each returns a `FieldCheck`."""
