"""``manage.py accuracy [FILE ...] [--holdout] [--loo-case]``: the estimator against measured cases.

Prints, per file, case and value, measured vs predicted and |pred/measured − 1|, then the median and
p90 absolute error per file and per accelerator family, and how many fabric counts are exact. FILEs
default to both reference files, ``../shared/reference/calibration.json`` and
``inferencex-calibration.json`` (else their copies in ``bench/data/``). ``--holdout`` adds
leave-one-family-out errors (the factors refitted without every case of the held-out family);
``--loo-case`` adds leave-one-case-out errors for the first file (one refit per case). Each refit also
fits the published results ``bench/calibrate.py`` does (``calibrate.extra_sources``: InferenceMAX's gpt-oss
sweeps and MLPerf v6.0's offline results; left out with their family): both options together take tens of
minutes — ``docs/accuracy.md`` records each run's time (a refit re-estimates a case only when a factor it
reads moved, ``fitting.CaseScorer``, so most refits replay the first one's steps).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.perf.accuracy import score, summarize

REPO = Path(settings.BASE_DIR)
NAMES = ("calibration.json", "inferencex-calibration.json")
SHARED = REPO.parent / "shared" / "reference"
IN_REPO = REPO / "bench" / "data"


def default_files() -> list[Path]:
    return [SHARED / n if (SHARED / n).exists() else IN_REPO / n for n in NAMES]


def default_file() -> Path:
    return default_files()[0]


class Command(BaseCommand):
    help = "Compare estimates with measured cases: per-value error, median and p90, per file and family."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="*", help="cases files (default: both reference files)")
        parser.add_argument("--holdout", action="store_true", help="also leave-one-family-out errors")
        parser.add_argument("--loo-case", action="store_true", help="also leave-one-case-out for the first file")

    def handle(self, *args, **options):
        paths = [Path(f) for f in options["file"]] or default_files()
        by_file: dict[str, list[dict]] = {}
        for path in paths:
            try:
                by_file[path.name] = json.loads(path.read_text(encoding="utf-8"))["cases"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.stderr.write(f"{path}: cannot read the cases: {exc}")
                raise SystemExit(2) from None
        catalog = get_catalog()
        for name, cases in by_file.items():
            self.stdout.write(f"# accuracy on {name} ({len(cases)} cases)")
            self._table(score(cases, catalog), "in-sample (the committed factors: both reference files, the gpt-oss sweeps and MLPerf offline)", cases, catalog)
        if options["holdout"] or options["loo_case"]:
            from bench.calibrate import extra_sources
            from studio.domain.perf.fitting import holdout

            tagged = [{**c, "_source": name} for name, cases in by_file.items() for c in cases]
            sweeps = [{**c, "_source": name} for name, cases in extra_sources().items() for c in cases]
            first = set() if not options["loo_case"] else {c.get("id") for c in next(iter(by_file.values()))}
            result = holdout(tagged, catalog, case_ids=first, extra=sweeps,
                             progress=lambda m: self.stderr.write(m))
            for label in ("family", "case"):
                if label == "case" and not options["loo_case"]:
                    continue
                for name, cases in by_file.items():
                    ids = {c.get("id") for c in cases}
                    rows = [r for r in result[label] if r.case_id in ids]
                    if rows:
                        self._table(rows, f"{name}: leave-one-{label}-out (refitted without the held-out "
                                          f"{'family' if label == 'family' else 'case'})", cases, catalog)

    def _table(self, rows, title: str, cases: list[dict], catalog) -> None:
        from studio.domain.perf.fitting import family_of

        self.stdout.write(f"\n## {title}\n")
        self.stdout.write(f"{'case':46s} {'value':22s} {'measured':>12s} {'predicted':>12s} {'error':>8s}")
        for r in rows:
            pred = "failed" if r.predicted is None else f"{r.predicted:12.5g}"
            self.stdout.write(f"{r.case_id:46s} {r.key:22s} {r.measured:12.5g} {pred:>12s} {r.error:8.1%}")
        s = summarize(rows)
        self.stdout.write(f"\nvalues {s.values}: median {s.median:.1%}, p90 {s.p90:.1%}; "
                          f"fabric counts exact {s.fabric_exact}/{s.fabric_total}")
        fam = {str(c.get("id")): family_of(c, catalog) for c in cases}
        families = sorted({fam.get(r.case_id, "?") for r in rows if not r.is_fabric})
        for f in families:
            fs = summarize([r for r in rows if fam.get(r.case_id) == f and not r.is_fabric])
            self.stdout.write(f"  family {f:16s} values {fs.values:3d}: median {fs.median:.1%}, p90 {fs.p90:.1%}")
