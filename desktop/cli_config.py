"""`main.py config-diff FILE [--json]`: the impact report of a bundle file against the bundle in
force (ARCHITECTURE §8), verified like an import and never applied. A damaged, tampered or older
file exits 2 with the same Spanish message an import gives."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

from catalogo.impact_text import report_json, report_text
from desktop.bundles.import_preview import preview_file
from desktop.context import AppContext


def cmd_config_diff(ctx: AppContext, args: Namespace) -> int:
    preview = preview_file(ctx, Path(args.file))
    if args.json:
        print(json.dumps(report_json(preview.report), ensure_ascii=False, indent=2))
    else:
        print(report_text(preview.report))
    return 0
