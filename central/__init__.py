"""Reference central platform (FastAPI): the server side of sync protocol v1 (DESIGN §5).

Imports nothing of the app except `sync.protocol`, the wire contract.
"""
