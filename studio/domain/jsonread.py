"""Checked reading of decoded JSON: each reader takes a value and its JSON path and returns the
value typed, or raises ``DesignFileError`` naming the path (``racks[2].devices[0].model``), what was
expected and what was found. Numbers and texts are bounded by the one table, ``limits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalog import Catalog, Item
from .limits import NUMBERS, TEXTS


class DesignFileError(ValueError):
    """A design file that cannot be used. ``path`` is the JSON path of the bad value."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path or '(file)'}: {message}")


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def as_object(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DesignFileError(path, f"expected an object, found {kind_of(value)}")
    for key in value:
        if key not in required and key not in optional:
            allowed = ", ".join(required + optional)
            raise DesignFileError(join(path, str(key)), f"unknown field '{key}' (allowed here: {allowed})")
    for key in required:
        if key not in value:
            raise DesignFileError(join(path, key), f"missing required field '{key}'")
    return value


def as_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise DesignFileError(path, f"expected a list, found {kind_of(value)}")
    return value


def as_text(value: Any, path: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise DesignFileError(path, f"expected text, found {kind_of(value)}")
    if not allow_empty and not value.strip():
        raise DesignFileError(path, "expected non-empty text, found an empty string")
    return value


def as_limited_text(value: Any, path: str, limit: str) -> str:
    """Text within ``limits.TEXTS[limit]``: no NUL, no lone surrogate, not too long for its column."""
    as_text(value, path)
    problem = TEXTS[limit].problem(value)
    if problem:
        raise DesignFileError(path, f"{TEXTS[limit].label} {problem}")
    return value


def as_choice(value: Any, path: str, choices: tuple) -> Any:
    if isinstance(value, bool) or value not in choices:
        raise DesignFileError(path, f"expected one of {', '.join(map(repr, choices))}; found {kind_of(value)}")
    return value


def as_number(value: Any, path: str, limit: str) -> int | float:
    """A finite number within the row ``limit`` of ``limits.NUMBERS``."""
    row = NUMBERS[limit]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        wanted = "a whole number" if row.integer else "a number"
        raise DesignFileError(path, f"expected {wanted}{' in ' + row.unit if row.unit else ''}, found {kind_of(value)}")
    problem = row.problem(value)
    if problem:
        raise DesignFileError(path, f"{row.label} {problem}, found {value!r}")
    return int(value) if row.integer else value


def as_slug(value: Any, path: str, catalog: Catalog, kinds: tuple[type[Item], ...], wanted: str) -> Item:
    """A catalog slug of one of ``kinds``; the error names the kind expected and what the slug is."""
    as_text(value, path)
    if value not in catalog:
        raise DesignFileError(path, f"expected {wanted} slug from the catalog, found unknown slug {value!r}")
    item = catalog.get(value)
    if not isinstance(item, kinds):
        raise DesignFileError(path, f"expected {wanted} slug, found {value!r} which is a {item.kind}")
    return item
