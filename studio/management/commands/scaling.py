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

from studio.domain.perf import EstimateError
from studio.domain.perf.design_scaling import contract_dict, scale_design
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand

EXIT_OK, EXIT_NOT_SCALABLE = 0, 1


class Command(DesignFileCommand):
    help = "Scaling path of an ai-factory-design/1 file as JSON; exit 0 ok, 1 cannot scale, 2 unusable file."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0 for one line)")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["indent"]))

    def run(self, name: str, indent: int) -> int:
        loaded = self.load_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        design, catalog = loaded
        try:
            path = scale_design(design, catalog)
        except EstimateError as exc:
            self.stderr.write(f"{name}: cannot scale this design: {exc}")
            return EXIT_NOT_SCALABLE
        self.stdout.write(json.dumps(contract_dict(path), indent=indent or None, ensure_ascii=False))
        return EXIT_OK
