"""Read the version-controlled catalog files under ``catalog/data/`` into plain records.

Pure Python (PyYAML only) so that the CLI and the tests can build the domain catalog
without a database. Each file is a YAML list of records (see ``studio.domain.catalog``).
Errors name the file, the item and the field; nothing is returned unless every file is good.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from studio.domain.catalog import Catalog, CatalogError, item_from_record, require_price

DATA_DIR = Path(__file__).resolve().parent / "data"


class DataFileError(ValueError):
    """A catalog data file that cannot be used; the message names the file, item and field."""


def read_records(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """All records of all ``*.yaml`` files in ``data_dir``, validated, in file order.

    Every purchasable item (all kinds but ``model``) must carry a list ``price``.
    Each record gets ``_file`` (the file name) so that loaders can report where it came from.
    """
    records: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    files = sorted(data_dir.glob("*.yaml"))
    if not files:
        raise DataFileError(f"{data_dir}: no catalog data files (*.yaml)")
    for path in files:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise DataFileError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(loaded, list):
            raise DataFileError(f"{path.name}: expected a list of items at the top level, "
                                f"found {type(loaded).__name__}")
        for index, record in enumerate(loaded):
            try:
                require_price(item_from_record(record))
            except CatalogError as exc:
                raise DataFileError(f"{path.name}: item #{index + 1}: {exc}") from exc
            slug = record["slug"]
            if slug in seen:
                raise DataFileError(f"{path.name}: item '{slug}' is already defined in {seen[slug]}")
            seen[slug] = path.name
            records.append({**record, "_file": path.name})
    try:
        Catalog.from_records(_strip(r) for r in records)
    except CatalogError as exc:
        raise DataFileError(f"{seen.get(exc.slug or '', '?')}: {exc}") from exc
    return records


def _strip(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def file_catalog() -> Catalog:
    """The catalog built straight from the data files (cached for the life of the process)."""
    return Catalog.from_records(_strip(r) for r in read_records())
