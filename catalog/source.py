"""The one way the rest of the studio gets the domain catalog.

The catalog's numbers live in ``catalog/data/*.yaml`` (version-controlled, with sources) and are
mirrored into the database by ``manage.py load_catalog`` so they can be browsed and edited in the
admin. ``get_catalog()`` returns the database copy when it has been loaded, otherwise the files:
the CLI commands (``validate``, ``estimate``) therefore work on a fresh checkout with no database.
"""

from __future__ import annotations

from studio.domain.catalog import Catalog

from .datafiles import file_catalog

_cache: dict[str, Catalog] = {}


def get_catalog() -> Catalog:
    """The domain catalog: from the database if it holds one, else from the data files."""
    try:
        from .models import CatalogItem  # noqa: PLC0415 - the app registry may not be ready at import

        stamp = CatalogItem.objects.catalog_stamp()
    except Exception:  # no table yet (fresh checkout, no migrate): use the files
        return file_catalog()
    if stamp is None:
        return file_catalog()
    cached = _cache.get("db")
    if cached is not None and _cache.get("stamp") == stamp:  # type: ignore[comparison-overlap]
        return cached
    catalog = Catalog.from_records(CatalogItem.objects.as_records())
    _cache.clear()
    _cache["db"] = catalog
    _cache["stamp"] = stamp  # type: ignore[assignment]
    return catalog
