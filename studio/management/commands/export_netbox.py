"""``manage.py export_netbox DESIGN.json -o DIR``: CSV files for NetBox's bulk import.

sites, manufacturers, device roles, device types, racks, devices (rack, position, face),
interfaces and cables, in the columns of NetBox's import forms (``studio.reports.netbox``), plus
a README.txt with the import order. Exit 0 when written, 2 when the design file cannot be used.
"""

from __future__ import annotations

from pathlib import Path

from studio.domain.rules import validate
from studio.management.designcli import EXIT_UNUSABLE, DesignFileCommand
from studio.reports.netbox import write_netbox_dir

EXIT_OK = 0


class Command(DesignFileCommand):
    requires_system_checks = []  # a file in, files out: no URLconf or database needed
    help = "Export an ai-factory-design/1 file as CSV files for NetBox's bulk import."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="directory to write the CSV files into")

    def handle(self, *args, **options):
        raise SystemExit(self.run(options["design"], options["output"]))

    def run(self, name: str, output: str) -> int:
        loaded = self.load_design(name)
        if loaded is None:
            return EXIT_UNUSABLE
        design, catalog = loaded
        try:
            names = write_netbox_dir(design, catalog, validate(design, catalog).totals, Path(output))
        except OSError as exc:
            self.stderr.write(f"{output}: cannot write: {exc}")
            return EXIT_UNUSABLE
        self.stderr.write(f"{output}: wrote {', '.join(names)}")
        return EXIT_OK
