"""``manage.py bom DESIGN.json --format csv|xlsx -o FILE``: the bill of materials of a design file.

The same lines, prices and totals as the studio's BOM page (``studio.domain.bom`` on the totals of
``rules.validate``). Without ``-o`` a CSV goes to standard output. Exit 0 when written, 2 when the
design file cannot be used (the message names the JSON path), like ``manage.py validate``.
"""

from __future__ import annotations

from pathlib import Path

from studio.domain.bom import bill_of_materials
from studio.domain.rules import validate
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand
from studio.reports.bom import bom_csv, bom_xlsx

EXIT_OK = 0


class Command(DesignFileCommand):
    requires_system_checks = []  # a file in, files out: no URLconf or database needed
    help = "Bill of materials of an ai-factory-design/1 file, as CSV or XLSX."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("-o", "--output", help="file to write (CSV goes to standard output without it)")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["format"], options.get("output")))

    def run(self, name: str, fmt: str, output: str | None) -> int:
        loaded = self.load_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        design, catalog = loaded
        bom = bill_of_materials(design, catalog, validate(design, catalog).totals)
        if fmt == "xlsx" and not output:
            self.stderr.write("--format xlsx needs -o FILE")
            return EXIT_UNUSABLE
        if not output:
            self.stdout.write(bom_csv(bom), ending="")
            return EXIT_OK
        try:
            if fmt == "xlsx":
                Path(output).write_bytes(bom_xlsx(bom))
            else:
                Path(output).write_text(bom_csv(bom), encoding="utf-8")
        except OSError as exc:
            self.stderr.write(f"{output}: cannot write: {exc}")
            return EXIT_UNUSABLE
        self.stderr.write(f"{output}: {len(bom.lines)} lines, capex ${bom.capex_usd:,.0f} "
                          f"({len(bom.unpriced_lines)} without a list price)")
        return EXIT_OK
