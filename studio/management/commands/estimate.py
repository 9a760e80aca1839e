"""``manage.py estimate FILE``: performance estimates, one JSON object per case per line.

FILE is a cases file (``ai-factory-estimate-cases/1``) or a design file (``ai-factory-design/1``,
its workloads on its racks' systems). A line carries ``id`` and the contract keys that apply
(inference: output_tokens_per_s, ttft_ms, tpot_ms, tokens_per_joule, usd_per_million_tokens;
training: tokens_per_s, mfu, step_time_s, time_to_train_s; ``fabric`` whenever the cluster names
one) plus extras (confidence, assumptions, ``layout``, ``slo_met`` when limits were given). ``--frontier``
adds ``frontier`` to every inference line of a cases file: the Pareto points of output tok/s per GPU
against tok/s per user, each with tok/s per provisioned MW, $ per million tokens and its layout; and
``considered``: every deployment the search tried with its throughput and p99 latencies.
A case that cannot be estimated prints
``{"id": ..., "error": "..."}`` and the exit status is 1. An unreadable or unusable file: a
message on stderr and exit 2. ``measured`` is ignored. No database needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.perf.cases import CASES_FORMAT, estimate_cases

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Estimate a cases file or a design file: one JSON line per case; exit 0 ok, 1 a case failed, 2 unusable."

    def add_arguments(self, parser):
        parser.add_argument("file", help="cases file or design file (JSON), or - for standard input")
        parser.add_argument("--brief", action="store_true", help="leave out assumptions")
        parser.add_argument("--frontier", action="store_true",
                            help="add the throughput–interactivity frontier to every inference case")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["file"], options["brief"], options["frontier"]))

    def run(self, name: str, brief: bool = False, frontier: bool = False) -> int:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{name}: cannot read the file: {exc}")
            return EXIT_UNUSABLE
        except json.JSONDecodeError as exc:
            self.stderr.write(f"{name}: not valid JSON: {exc}")
            return EXIT_UNUSABLE
        try:
            catalog = get_catalog()
        except ValueError as exc:
            self.stderr.write(f"catalog: cannot build the catalog: {exc}")
            return EXIT_UNUSABLE
        fmt = data.get("format") if isinstance(data, dict) else None
        if fmt == CASES_FORMAT:
            cases = data.get("cases")
            if not isinstance(cases, list):
                self.stderr.write(f"{name}: cases: expected a list of cases")
                return EXIT_UNUSABLE
            lines = estimate_cases(cases, catalog, frontier=frontier)
        elif fmt == "ai-factory-design/1":
            from studio.domain.designfile import DesignFileError, load_design
            from studio.domain.perf.designs import estimate_design

            try:
                design = load_design(data, catalog)
            except DesignFileError as exc:
                self.stderr.write(f"{name}: {exc.path or '(file)'}: {exc.message}")
                return EXIT_UNUSABLE
            lines = estimate_design(design, catalog).lines()
        else:
            self.stderr.write(f"{name}: format: expected '{CASES_FORMAT}' or 'ai-factory-design/1', found {fmt!r}")
            return EXIT_UNUSABLE
        for line in lines:
            if brief:
                line.pop("assumptions", None)
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        return EXIT_ERRORS if any("error" in line for line in lines) else EXIT_OK
