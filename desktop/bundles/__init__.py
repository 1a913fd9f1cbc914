"""Configuration bundles: their schema, signature, checks and application; the catálogo in force."""
