"""``manage.py scaling DESIGN.json``: the design's scaling path as JSON on stdout.

Prints ``{"steps": [{"gpus", "racks", "it_kw", "facility_kw", "leaf", "spine", "core", "capex_usd",
"walls": [...]}], "first_wall": ...}`` (ARCHITECTURE.md) — the same path the estimates page draws
(``studio.domain.perf.design_scaling.scale_design``): the design's own racks grown step by step, on
validation's maximum-power basis, with the one fabric sizer. The step holding the design's own GPUs
draws the IT power ``manage.py validate`` reports.

Exit status like ``validate``: 0 when the path is printed, 1 when the design cannot be scaled (no GPUs
in its racks; stderr says why), 2 when the file cannot be used (unreadable, bad JSON, wrong format,
unknown catalog slug, impossible number; stderr names the JSON path).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.designfile import DesignFileError, parse_design_text
from studio.domain.perf import EstimateError
from studio.domain.perf.design_scaling import contract_dict, scale_design

EXIT_OK, EXIT_NOT_SCALABLE, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Scaling path of an ai-factory-design/1 file as JSON; exit 0 ok, 1 cannot scale, 2 unusable file."

    def add_arguments(self, parser):
        parser.add_argument("design", help="path to the design file (JSON), or - for standard input")
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0 for one line)")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["indent"]))

    def run(self, name: str, indent: int) -> int:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{name}: cannot read the design file: {exc}")
            return EXIT_UNUSABLE
        try:
            catalog = get_catalog()
        except ValueError as exc:
            self.stderr.write(f"catalog: cannot build the catalog: {exc}")
            return EXIT_UNUSABLE
        try:
            design = parse_design_text(text, catalog)
        except DesignFileError as exc:
            self.stderr.write(f"{name}: {exc.path or '(file)'}: {exc.message}")
            return EXIT_UNUSABLE
        try:
            path = scale_design(design, catalog)
        except EstimateError as exc:
            self.stderr.write(f"{name}: cannot scale this design: {exc}")
            return EXIT_NOT_SCALABLE
        self.stdout.write(json.dumps(contract_dict(path), indent=indent or None, ensure_ascii=False))
        return EXIT_OK
