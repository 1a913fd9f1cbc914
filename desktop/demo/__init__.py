"""The demo configuration bundle that ships with the app, and the demo key that signs it.

The demo key is NOT SECRET (see README.md here): it exists so a fresh install can show a
realistic catálogo without a platform. A machine enrolled with a real platform pins that
platform's key instead and will never accept a bundle signed with this one.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).parent
DEMO_BUNDLE_PATH = DEMO_DIR / "demo_bundle.json"
DEMO_PRIVATE_KEY_PATH = DEMO_DIR / "DEMO-KEY-NOT-SECRET-ed25519.pem"
DEMO_PUBLIC_KEY_PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAxYS4DMLrS5hqK/flZSs3DBLghrcjOm+9GIilG9YocqE=\n"
    "-----END PUBLIC KEY-----\n"
)
