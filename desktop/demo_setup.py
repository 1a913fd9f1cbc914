"""The demo office: a standalone DEMO office with the demo catálogo and one demo user per role
(passwords published in the README). Everything is visibly marked as demo.

Only the composition root (main.py: the window and `init`) creates it, and says so on stdout;
opening a store never does (desktop/context.py).
"""

from __future__ import annotations

import logging
import secrets

from desktop.access.auth import hash_password
from desktop.bundles.apply import Provenance, apply_bundle, read_bundle_file, verify_bundle
from desktop.bundles.impact_inputs import SOURCE_DEMO
from desktop.context import AppContext
from desktop.demo import DEMO_BUNDLE_PATH, DEMO_PUBLIC_KEY_PEM
from desktop.office import office_is_set_up
from desktop.records.audit import append_audit
from localdb.models import SyncState, User
from localdb.states import Role

log = logging.getLogger(__name__)

DEMO_USERS = [
    ("operador", "Ana Lucía Valenzuela (DEMO)", Role.OPERADOR, "operador123"),
    ("supervisor", "Jesús Ramón Encinas (DEMO)", Role.SUPERVISOR, "supervisor123"),
    ("admin", "María Fernanda Ochoa (DEMO)", Role.ADMIN, "admin123"),
]
DEMO_OFICINA_NOMBRE = "Oficina Centro (DEMO)"
_USERNAMES = [username for username, *_ in DEMO_USERS]
DEMO_CREATED = (
    f"Se creó la oficina de demostración {DEMO_OFICINA_NOMBRE} con los usuarios "
    f"{', '.join(_USERNAMES[:-1])} y {_USERNAMES[-1]} (contraseñas publicadas en el README: "
    "solo para pruebas)."
)


def bootstrap_if_empty(ctx: AppContext) -> bool:
    """Create the demo office when the store has never been set up; returns True if it did."""
    with ctx.read() as session:
        if office_is_set_up(session):
            return False
    payload, signature = read_bundle_file(DEMO_BUNDLE_PATH)
    bundle = verify_bundle(payload, signature, DEMO_PUBLIC_KEY_PEM)
    with ctx.write() as session:
        session.add(SyncState(
            id=1, machine_id=f"DEMO-{secrets.token_hex(4).upper()}",
            municipio=bundle.municipio.nombre,
            oficina="HMO", oficina_nombre=DEMO_OFICINA_NOMBRE, ventanilla="V01", demo=True,
            platform_public_key=DEMO_PUBLIC_KEY_PEM,
        ))
        session.flush()
        apply_bundle(session, bundle, payload, signature, Provenance(SOURCE_DEMO))
        for username, full_name, role, password in DEMO_USERS:
            session.add(User(username=username, full_name=full_name, role=role.value,
                             password_hash=hash_password(password), is_demo=True))
        append_audit(session, "sistema", "demo.inicializado", "",
                     {"config_version": bundle.version})
    log.info("demo office created in %s", ctx.data_dir)
    return True
