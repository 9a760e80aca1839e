"""``manage.py validate DESIGN.json``: findings and totals of a design file, as JSON on stdout.

Exit status: 0 when no finding is an error, 1 when any is, 2 when the file cannot be used
(unreadable, bad JSON, wrong format, unknown catalog slug, impossible number); then stderr says
why and names the JSON path. Works on a fresh checkout with no database (the catalog falls back
to ``catalog/data``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.designfile import DesignFileError, parse_design_text
from studio.domain.rules import validate

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Validate an ai-factory-design/1 file: print {findings, totals} as JSON; exit 0 ok, 1 errors, 2 unusable."

    def add_arguments(self, parser):
        parser.add_argument("design", help="path to the design file (JSON), or - for standard input")
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0 for one line)")

    def handle(self, *args, **options):
        # SystemExit rather than CommandError: the shell must see exactly 0, 1 or 2.
        raise SystemExit(self.run(options["design"], options["indent"]))

    def run(self, name: str, indent: int) -> int:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{name}: cannot read the design file: {exc}")
            return EXIT_UNUSABLE
        try:
            catalog = get_catalog()
        except ValueError as exc:  # the catalog data files themselves are broken
            self.stderr.write(f"catalog: cannot build the catalog: {exc}")
            return EXIT_UNUSABLE
        try:
            design = parse_design_text(text, catalog)
        except DesignFileError as exc:
            where = exc.path or "(file)"
            self.stderr.write(f"{name}: {where}: {exc.message}")
            return EXIT_UNUSABLE
        report = validate(design, catalog)
        self.stdout.write(json.dumps(report.as_dict(), indent=indent or None, ensure_ascii=False))
        return EXIT_ERRORS if report.has_errors else EXIT_OK
