"""``manage.py accuracy [FILE] [--holdout]``: the estimator against measured cases.

Prints, per case and value, measured vs predicted and |pred/measured − 1|, then the median and
p90 absolute error and how many fabric counts are exact. FILE defaults to
``../shared/reference/calibration.json`` when present, else the in-repo copy
``bench/data/calibration.json``. ``--holdout`` adds leave-one-case-out and leave-one-family-out
errors (the factors are refitted without the held-out cases; takes ~10 s).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.perf.accuracy import score, summarize

REPO = Path(settings.BASE_DIR)
SHARED = REPO.parent / "shared" / "reference" / "calibration.json"
IN_REPO = REPO / "bench" / "data" / "calibration.json"


def default_file() -> Path:
    return SHARED if SHARED.exists() else IN_REPO


class Command(BaseCommand):
    help = "Compare estimates with measured cases: per-value error, median and p90."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="cases file (default: shared/reference/calibration.json)")
        parser.add_argument("--holdout", action="store_true", help="also leave-one-case/family-out errors")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else default_file()
        try:
            cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.stderr.write(f"{path}: cannot read the cases: {exc}")
            raise SystemExit(2) from None
        catalog = get_catalog()
        self.stdout.write(f"# accuracy on {path.name} ({len(cases)} cases)")
        self._table(score(cases, catalog), "in-sample (factors fitted to these cases)")
        if options["holdout"]:
            from studio.domain.perf.fitting import holdout

            for label, rows in holdout(cases, catalog).items():
                self._table(rows, f"leave-one-{label}-out (refitted without the held-out case{'s' if label == 'family' else ''})")

    def _table(self, rows, title: str) -> None:
        self.stdout.write(f"\n## {title}\n")
        self.stdout.write(f"{'case':46s} {'value':22s} {'measured':>12s} {'predicted':>12s} {'error':>8s}")
        for r in rows:
            pred = "failed" if r.predicted is None else f"{r.predicted:12.5g}"
            self.stdout.write(f"{r.case_id:46s} {r.key:22s} {r.measured:12.5g} {pred:>12s} {r.error:8.1%}")
        s = summarize(rows)
        self.stdout.write(f"\nvalues {s.values}: median {s.median:.1%}, p90 {s.p90:.1%}; "
                          f"fabric counts exact {s.fabric_exact}/{s.fabric_total}")
