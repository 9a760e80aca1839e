import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from catalog.source import get_catalog
from studio.domain.designfile import DesignFileError, load_estimates, parse_design_text
from studio.services import attach_imported_estimates, check_size, create_design


class Command(BaseCommand):
    help = "Import a design file (ai-factory-design/1) for a user; prints the new design's code."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the design JSON file, or - for standard input")
        parser.add_argument("--user", required=True, help="user name of the owner")

    def fail(self, message: str):
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, file, user, **options):
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
        except OSError as exc:
            self.fail(f"{file}: cannot read: {exc.strerror}")
        try:
            design = check_size(parse_design_text(text, get_catalog()))
            estimates = load_estimates(json.loads(text))  # the design parsed, so the text is JSON
        except DesignFileError as exc:
            self.fail(f"{file}: {exc}")
        try:
            owner = get_user_model().objects.filter(username=user).first()
        except DatabaseError as exc:
            self.fail(f"the database is not ready ({exc}); run `manage.py migrate` first")
        if owner is None:
            self.fail(f"no user '{user}'")
        row = create_design(owner, design)
        attach_imported_estimates(row, owner, estimates)
        self.stdout.write(str(row.code))
