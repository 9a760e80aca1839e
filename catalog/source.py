"""The one way the rest of the studio gets the domain catalog.

The catalog's numbers live in ``catalog/data/*.yaml`` (version-controlled, with sources) and are
mirrored into the database by ``manage.py load_catalog`` so they can be browsed and edited in the
admin. ``get_catalog()`` returns the database copy when it has been loaded, otherwise the files:
the CLI commands (``validate``, ``estimate``) therefore work on a fresh checkout with no database.

"Not loaded" means exactly three things, each checked, never guessed from an exception: Django's
app registry is not ready (pure-Python use), the catalog table does not exist yet (no
``migrate``), or the table is empty (no ``load_catalog``). Any other database error — the server
is down, a query fails, a row no longer builds — is raised: an error is an error, and silently
answering from the files would show numbers the admin has since changed.

Whether the database copy changed is one aggregate query (``catalog_stamp``). A process asks it at
most every ``STUDIO_CATALOG_RECHECK_S`` seconds (``STUDIO_CATALOG_RECHECK_MS``, 2,000 by default; 0
asks on every call, as the tests do): an edit page makes that query once in a while, not on every
request. A change saved through this process (the admin, ``load_catalog``) is seen at once
(``forget``, connected to the model's save and delete signals); one saved by another process within
the recheck interval.
"""

from __future__ import annotations

import time

from studio.domain.catalog import Catalog

from .datafiles import file_catalog

_cache: dict[str, Catalog] = {}
_table_seen: list[bool] = []
_checked_at = [float("-inf")]  # time.monotonic() of the last stamp query that found the copy current


def forget(**_signal_kwargs) -> None:
    """Drop this process's copy of the database catalog (the next ``get_catalog`` rebuilds it)."""
    _cache.clear()
    _checked_at[0] = float("-inf")


def _table_exists() -> bool:
    """Whether ``migrate`` has created the catalog table (remembered once true: a table does not vanish)."""
    if _table_seen:
        return True
    from django.db import connection  # noqa: PLC0415

    from .models import CatalogItem  # noqa: PLC0415

    if CatalogItem._meta.db_table in connection.introspection.table_names():
        _table_seen.append(True)
    return bool(_table_seen)


def get_catalog() -> Catalog:
    """The domain catalog: from the database once loaded, else from the data files (see the module notes)."""
    from django.apps import apps  # noqa: PLC0415

    if not apps.ready:
        return file_catalog()
    from django.conf import settings  # noqa: PLC0415

    from .models import CatalogItem  # noqa: PLC0415

    if not _table_exists():
        return file_catalog()
    cached = _cache.get("db")
    now = time.monotonic()
    if cached is not None and now - _checked_at[0] < settings.STUDIO_CATALOG_RECHECK_S:
        return cached
    stamp = CatalogItem.objects.catalog_stamp()
    if stamp is None:
        forget()
        return file_catalog()
    if cached is not None and _cache.get("stamp") == stamp:  # type: ignore[comparison-overlap]
        _checked_at[0] = now
        return cached
    catalog = Catalog.from_records(CatalogItem.objects.as_records())
    _cache.clear()
    _cache["db"] = catalog
    _cache["stamp"] = stamp  # type: ignore[assignment]
    _checked_at[0] = now
    return catalog
