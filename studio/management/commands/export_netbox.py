"""``manage.py export_netbox DESIGN.json -o DIR``: CSV files for NetBox's bulk import.

sites, manufacturers, device roles, device types, racks, devices (rack, position, face),
interfaces and cables, in the columns of NetBox's import forms (``studio.reports.netbox``), plus
a README.txt with the import order. Exit 0 when written, 2 when the design file cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.source import get_catalog
from studio.domain.designfile import DesignFileError, parse_design_text
from studio.domain.rules import validate
from studio.reports.netbox import write_netbox_dir

EXIT_OK, EXIT_UNUSABLE = 0, 2


class Command(BaseCommand):
    requires_system_checks = []  # a file in, files out: no URLconf or database needed
    help = "Export an ai-factory-design/1 file as CSV files for NetBox's bulk import."

    def add_arguments(self, parser):
        parser.add_argument("design", help="path to the design file (JSON), or - for standard input")
        parser.add_argument("-o", "--output", required=True, help="directory to write the CSV files into")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["output"]))

    def run(self, name: str, output: str) -> int:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{name}: cannot read the design file: {exc}")
            return EXIT_UNUSABLE
        catalog = get_catalog()
        try:
            design = parse_design_text(text, catalog)
        except DesignFileError as exc:
            self.stderr.write(f"{name}: {exc.path or '(file)'}: {exc.message}")
            return EXIT_UNUSABLE
        try:
            names = write_netbox_dir(design, catalog, validate(design, catalog).totals, Path(output))
        except OSError as exc:
            self.stderr.write(f"{output}: cannot write: {exc}")
            return EXIT_UNUSABLE
        self.stderr.write(f"{output}: wrote {', '.join(names)}")
        return EXIT_OK
