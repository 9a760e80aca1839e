import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from studio.domain.designfile import DesignFileError
from studio.services import import_design_text


class Command(BaseCommand):
    help = "Import a design file (ai-factory-design/1) for a user; prints the new design's code."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the design JSON file, or - for standard input")
        parser.add_argument("--user", required=True, help="user name of the owner")

    def handle(self, *args, file, user, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            self.stderr.write(f"no user '{user}'")
            sys.exit(2)
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
        except OSError as exc:
            self.stderr.write(f"{file}: cannot read: {exc.strerror}")
            sys.exit(2)
        try:
            design = import_design_text(owner, text)
        except DesignFileError as exc:
            self.stderr.write(f"{file}: {exc}")
            sys.exit(2)
        self.stdout.write(str(design.code))
