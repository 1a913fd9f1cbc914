"""The sync wire contract between the windows and the platform: a leaf package.

`desktop/`, `sync/` and `central/` import it; it imports none of them (stdlib, pydantic and
cryptography only), so the client and the platform cannot drift apart byte by byte.
"""
