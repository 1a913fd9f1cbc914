"""Regenerate desktop/demo/demo_bundle.json from desktop/demo/catalogo_demo.py.

Validates the source with the same checks a machine applies, then signs it with the (public,
demo-only) demo key. Usage: .venv/bin/python scripts/make_demo_bundle.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.bundles.checks import check_bundle
from desktop.bundles.schema import Bundle
from desktop.bundles.signing import bundle_payload, read_bundle_file, write_bundle_file
from desktop.demo import DEMO_BUNDLE_PATH, DEMO_PRIVATE_KEY_PATH
from desktop.demo.catalogo_demo import build_bundle


def demo_bundle() -> Bundle:
    bundle = Bundle.model_validate(build_bundle())
    check_bundle(bundle)
    return bundle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="only report whether the committed file is up to date")
    args = parser.parse_args()
    bundle = demo_bundle()
    if args.check:
        payload, _ = read_bundle_file(DEMO_BUNDLE_PATH)
        up_to_date = payload == bundle_payload(bundle)
        print("up to date" if up_to_date else "OUT OF DATE: run scripts/make_demo_bundle.py")
        return 0 if up_to_date else 1
    write_bundle_file(DEMO_BUNDLE_PATH, bundle, DEMO_PRIVATE_KEY_PATH.read_bytes())
    print(f"wrote {DEMO_BUNDLE_PATH} (version {bundle.version}, "
          f"{len(bundle.dependencias)} dependencias, {len(bundle.tramites)} trámites)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
