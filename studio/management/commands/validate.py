"""``manage.py validate DESIGN.json``: findings and totals of a design file, as JSON on stdout.

Exit status: 0 when no finding is an error, 1 when any is, 2 when the file cannot be used
(unreadable, bad JSON, wrong format, unknown catalog slug, impossible number); then stderr says
why and names the JSON path. Works on a fresh checkout with no database (the catalog falls back
to ``catalog/data``).
"""

from __future__ import annotations

import json

from studio.domain.rules import validate
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand

EXIT_OK, EXIT_ERRORS = 0, 1


class Command(DesignFileCommand):
    help = "Validate an ai-factory-design/1 file: print {findings, totals} as JSON; exit 0 ok, 1 errors, 2 unusable."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0 for one line)")

    def handle(self, *args, **options):
        # SystemExit rather than CommandError: the shell must see exactly 0, 1 or 2.
        raise SystemExit(self.run(options["design"], options["indent"]))

    def run(self, name: str, indent: int) -> int:
        loaded = self.load_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        design, catalog = loaded
        report = validate(design, catalog)
        self.stdout.write(json.dumps(report.as_dict(), indent=indent or None, ensure_ascii=False))
        return EXIT_ERRORS if report.has_errors else EXIT_OK
