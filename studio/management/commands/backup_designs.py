"""Write every design as a design file, for backups that outlive the database and its schema."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from studio.domain.designfile import dump_design_text
from studio.services import design_to_domain, designs_with_content


class Command(BaseCommand):
    help = ("Write every design as DIR/<owner>/<code>.json (ai-factory-design/1) and DIR/index.json "
            "(code, owner, name, version, parent). Restore one with `manage.py import_design FILE --user NAME`.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write the files (created if missing)")

    def handle(self, *args, directory, **options):
        out = Path(directory)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.stderr.write(f"{directory}: cannot create: {exc.strerror}")
            sys.exit(2)
        index = []
        try:
            rows = designs_with_content().select_related("owner", "parent").order_by("owner__username", "created_at")
            for row in rows.iterator(chunk_size=50):
                folder = out / row.owner.username
                folder.mkdir(exist_ok=True)
                path = folder / f"{row.code}.json"
                path.write_text(dump_design_text(design_to_domain(row)), encoding="utf-8")
                index.append({"code": str(row.code), "owner": row.owner.username, "name": row.name,
                              "version": row.version, "parent": str(row.parent.code) if row.parent else None,
                              "file": str(path.relative_to(out))})
        except DatabaseError as exc:
            self.stderr.write(f"the database cannot be read ({exc})")
            sys.exit(2)
        (out / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(index)} design(s) written to {out}")
