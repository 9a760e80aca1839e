from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.datafiles import DATA_DIR, DataFileError
from catalog.loading import load_catalog


class Command(BaseCommand):
    help = "Load catalog/data/*.yaml into the database (idempotent). Nothing is written if any file is bad."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(DATA_DIR), help="folder of *.yaml catalog files")
        parser.add_argument("--prune", action="store_true", help="delete items that are no longer in the files")

    def handle(self, *args, data_dir, prune, **options):
        try:
            report = load_catalog(Path(data_dir), prune=prune)
        except DataFileError as exc:
            raise CommandError(f"catalog not loaded: {exc}") from exc
        for label, slugs in (("created", report.created), ("updated", report.updated), ("removed", report.removed)):
            for slug in slugs:
                self.stdout.write(f"  {label}: {slug}")
        self.stdout.write(self.style.SUCCESS(f"Catalog: {report.summary()}"))
