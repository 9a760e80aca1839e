"""``manage.py validate DESIGN.json``: findings and totals of a design file, as JSON on stdout.

Exit status: 0 when no finding is an error, 1 when any is, 2 when the file cannot be used
(unreadable, bad JSON, wrong format, unknown catalog slug, impossible number); then stderr says
why and names the JSON path. ``--phase N`` validates the build as of phase N (``studio.domain.phases``);
without it, the final build — for a file without phases, exactly as before. Works on a fresh checkout with no database (the catalog falls back
to ``catalog/data``).
"""

from __future__ import annotations

import argparse
import json

from studio.domain.phases import validate_phase
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand

EXIT_OK, EXIT_ERRORS = 0, 1


def _phase(text: str) -> int:
    """``--phase``: a whole number ≥ 1 (argparse exits 2 with this message otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {value}")
    return value


class Command(DesignFileCommand):
    help = "Validate an ai-factory-design/1 file: print {findings, totals} as JSON; exit 0 ok, 1 errors, 2 unusable."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0 for one line)")
        parser.add_argument("--phase", type=_phase, default=None,
                            help="validate the build as of phase N (everything with phase <= N); default: the final build")

    def handle(self, *args, **options):
        # SystemExit rather than CommandError: the shell must see exactly 0, 1 or 2.
        raise SystemExit(self.run(options["design"], options["indent"], options["phase"]))

    def run(self, name: str, indent: int, phase: int | None = None) -> int:
        loaded = self.load_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        design, catalog = loaded
        report = validate_phase(design, catalog, phase)
        self.stdout.write(json.dumps(report.as_dict(), indent=indent or None, ensure_ascii=False))
        return EXIT_ERRORS if report.has_errors else EXIT_OK
