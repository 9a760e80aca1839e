import sys
import uuid

from django.core.management.base import BaseCommand

from studio.domain.designfile import dump_design_text
from studio.services import design_to_domain, designs_with_content, estimates_for_export


class Command(BaseCommand):
    help = "Print a design as a design file (ai-factory-design/1) on standard output."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the design's code (UUID)")

    def handle(self, *args, code, **options):
        try:
            uuid.UUID(code)
        except ValueError:
            self.stderr.write(f"'{code}' is not a design code (a UUID)")
            sys.exit(2)
        row = designs_with_content().filter(code=code).first()
        if row is None:
            self.stderr.write(f"no design with code {code}")
            sys.exit(2)
        self.stdout.write(dump_design_text(design_to_domain(row), estimates=estimates_for_export(row)), ending="")
