"""The catálogo as the window and the platform both read it (ARCHITECTURE §3, §8): the bundle
schema, the fee rules and their wording, and the impact report of one bundle over another.

A leaf package: it imports only `formatting` (money and plazos in es-MX), so `desktop/` and
`central/` share one implementation — `central publish-config` prints the same impact report the
window's `config-diff` and import preview show.
"""
