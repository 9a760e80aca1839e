"""Load the data files into the database: validate everything first, then write in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .datafiles import DATA_DIR, read_records
from .models import CatalogItem
from .usage import uses_of

FIELDS = ("kind", "name", "vendor", "description", "source", "confidence", "specs", "data_file",
          "price_list_usd", "price_currency", "price_date", "price_source", "price_confidence")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_in_use: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.created)} created", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.kept_in_use:
            parts.append(f"{len(self.kept_in_use)} not in the files but kept because designs use them "
                         f"({', '.join(self.kept_in_use)})")
        if self.not_in_files and not self.removed and not self.kept_in_use:
            parts.append(f"{len(self.not_in_files)} in the database but not in the files (kept; --prune removes)")
        return ", ".join(parts)


def load_catalog(data_dir: Path = DATA_DIR, prune: bool = False) -> LoadReport:
    """Create or update every item; a second run reports everything unchanged.

    Raises ``DataFileError`` (file, item and field named) before writing anything. ``prune`` deletes
    items no longer in the files, except those designs still use (``kept_in_use``).
    """
    records = read_records(data_dir)
    report = LoadReport()
    existing = {row.slug: row for row in CatalogItem.objects.all()}
    with transaction.atomic():
        for record in records:
            values = {
                "kind": record["kind"], "name": record["name"].strip(), "vendor": record["vendor"].strip(),
                "description": str(record.get("description", "") or ""), "source": record["source"].strip(),
                "confidence": record["confidence"], "specs": record["specs"], "data_file": record["_file"],
                **CatalogItem.price_columns(record.get("price")),
            }
            row = existing.get(record["slug"])
            if row is None:
                CatalogItem.objects.create(slug=record["slug"], **values)
                report.created.append(record["slug"])
                continue
            changed = [f for f in FIELDS if getattr(row, f) != values[f]]
            if changed:
                for f in changed:
                    setattr(row, f, values[f])
                row.save(update_fields=[*changed, "updated_at"])
                report.updated.append(record["slug"])
            else:
                report.unchanged.append(record["slug"])
        in_files = {r["slug"] for r in records}
        report.not_in_files = sorted(set(existing) - in_files)
        if prune and report.not_in_files:
            in_use = uses_of(report.not_in_files)  # a design that names an item must keep loading
            report.kept_in_use = sorted(in_use)
            report.removed = [slug for slug in report.not_in_files if slug not in in_use]
            CatalogItem.objects.filter(slug__in=report.removed).delete()
    return report
