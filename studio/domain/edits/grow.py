"""Growing a hall fast: repeat a selection N times (along its row, or into new rows with aisles),
fill the hall with copies up to the first wall the rules raise, and drop a whole scalable unit (a
reference design's racks — systems, network racks, PDUs — as the reference lays them out) in one go.

Each is one edit (one version, one undo). Copies are checked on the tile grid like every placement
(``racks.check_placement``); ``fill_to_limit`` also validates the design after each copy and stops
before the first copy that raises an error the design did not have, and says which.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

from ..catalog import Catalog
from ..design import Design, RackPlacement
from ..designfile import load_design
from ..layout import TileGrid, rack_footprint
from ..rules import validate
from ..rules.space import HOT_AISLE_MIN_MM
from .base import Applied, EditError, fields_inverse, find_racks, racks_inverse, with_racks
from .labels import new_row_prefix, next_labels, prefix
from .parse import labels as parse_labels
from .parse import number, slug
from .racks import check_placement

DIRECTIONS = ("row", "rows")  # along the selection's row; into new rows (with aisles) behind it
MAX_FILL_COPIES = 400  # a guard: 400 copies of one rack is a hall of 20 MW of NVL72
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference_designs"  # the studio's reference designs


def _bbox(design: Design, catalog: Catalog, racks: list[RackPlacement]) -> tuple[int, int, int, int]:
    fps = [rack_footprint(catalog, r, design.site.tile_mm) for r in racks]
    return min(f.x for f in fps), min(f.y for f in fps), max(f.x + f.w for f in fps), max(f.y + f.d for f in fps)


def copy_offsets(design: Design, catalog: Catalog, racks: list[RackPlacement], direction: str) -> tuple[int, int, int]:
    """The step (dx, dy) in tiles from one copy to the next, and the aisle between rows of copies.

    ``row``: along the selection's long side, one selection-length per copy. ``rows``: across it, one
    selection-depth plus a hot aisle (``rules.space.HOT_AISLE_MIN_MM``, rounded up to whole tiles) per
    copy; every other copy is turned 180° so that neighbouring rows face each other (cold to cold, hot
    to hot). Worked example: a row of 8 racks 1 × 2 tiles (x 0–7, y 0–1) on 600 mm tiles: ``row`` →
    (8, 0); ``rows`` → (0, 2 + 2) with a 1,200 mm hot aisle of 2 tiles.
    """
    x0, y0, x1, y1 = _bbox(design, catalog, racks)
    along_x = (x1 - x0) >= (y1 - y0) if len(racks) > 1 else racks[0].rotation in (0, 180)
    aisle = math.ceil(HOT_AISLE_MIN_MM / design.site.tile_mm)
    if direction == "row":
        return ((x1 - x0, 0, 0) if along_x else (0, y1 - y0, 0))
    return ((0, y1 - y0 + aisle, aisle) if along_x else (x1 - x0 + aisle, 0, aisle))


def _copies(design: Design, catalog: Catalog, racks: list[RackPlacement], direction: str, k: int,
            existing: set[str]) -> list[RackPlacement]:
    """Copy number ``k`` (1, 2, …) of ``racks``, with new ids (its own row letter for a new row)."""
    dx, dy, _ = copy_offsets(design, catalog, racks, direction)
    turn = 180 if direction == "rows" and k % 2 else 0
    if direction == "row" and len({prefix(r.id) for r in racks}) == 1:
        ids = next_labels(existing, prefix(racks[0].id), len(racks))
    else:
        ids = next_labels(existing, new_row_prefix(existing), len(racks))
    return [replace(r, id=label, x_tiles=r.x_tiles + dx * k, y_tiles=r.y_tiles + dy * k,
                    rotation=(r.rotation + turn) % 360) for r, label in zip(racks, ids, strict=True)]


def _first_free(design: Design, catalog: Catalog, racks: list[RackPlacement], direction: str) -> int:
    """The first copy number whose place is free: copies go after the racks already standing there
    (a row behind the selection is stepped over). 1 when the place next to the selection is free, or
    when the next place that is not taken by a rack is outside the hall (the caller then says so)."""
    existing = {r.id for r in design.racks}
    for k in range(1, MAX_FILL_COPIES + 1):
        try:
            check_placement(design, catalog, _copies(design, catalog, racks, direction, k, existing), set())
            return k
        except EditError as exc:
            if "outside the hall" in str(exc):
                return k
    return 1


def repeat_args(data) -> dict:
    direction = data.get("direction") or "row"
    if direction not in DIRECTIONS:
        raise EditError("Repeat along the row or into new rows")
    return {"labels": parse_labels(data), "count": number(data, "count", "repeat", "The number of copies"),
            "direction": direction}


def repeat_racks(design: Design, catalog: Catalog, labels: list[str], count: int, direction: str = "row",
                 grid: TileGrid | None = None) -> Applied:
    """``count`` copies of the selection, one after the other along its row or in new rows behind it.
    Refused, nothing added, when a copy would leave the hall or stand on another rack."""
    racks = find_racks(design, labels)
    existing = {r.id for r in design.racks}
    added: list[RackPlacement] = []
    first = _first_free(design, catalog, racks, direction)
    for n, k in enumerate(range(first, first + count), start=1):
        copies = _copies(design, catalog, racks, direction, k, existing)
        try:
            check_placement(design, catalog, copies, set(), grid)
            check_placement(replace(design, racks=tuple(added)), catalog, copies, set())
        except EditError as exc:
            raise EditError(f"Copy {n} of {count} does not fit: {exc}") from None
        existing |= {c.id for c in copies}
        added += copies
    ids = tuple(r.id for r in added)
    where = "along the row" if direction == "row" else "into new rows"
    return Applied(with_racks(design, {}, added), racks_inverse(design, ids),
                   f"Repeated {len(racks)} rack{'s' if len(racks) != 1 else ''} {count} × {where} ({len(ids)} racks added)",
                   racks=ids, added=ids)


def fill_args(data) -> dict:
    direction = data.get("direction") or "rows"
    if direction not in DIRECTIONS:
        raise EditError("Fill along the row or into new rows")
    return {"labels": parse_labels(data), "direction": direction}


def _errors(design: Design, catalog: Catalog) -> dict[tuple[str, str], str]:
    return {(f.code, f.subject): f.message for f in validate(design, catalog).findings if f.severity == "error"}


def fill_to_limit(design: Design, catalog: Catalog, labels: list[str], direction: str = "rows",
                  grid: TileGrid | None = None) -> Applied:
    """As many copies of the selection as the site allows: copies are added one at a time until the
    next would leave the hall, stand on a rack, or raise an error the design does not have yet (site
    power or cooling, floor load, fabric ports…); the message names that first wall."""
    racks = find_racks(design, labels)
    before = _errors(design, catalog)
    existing = {r.id for r in design.racks}
    current = design
    added: list[RackPlacement] = []
    wall = f"the guard of {MAX_FILL_COPIES} copies"
    first = _first_free(design, catalog, racks, direction)
    for k in range(first, first + MAX_FILL_COPIES):
        copies = _copies(design, catalog, racks, direction, k, existing)
        try:
            check_placement(current, catalog, copies, set())
        except EditError as exc:
            wall = f"the hall's floor ({exc})"
            break
        trial = with_racks(current, {}, copies)
        new_errors = {key: msg for key, msg in _errors(trial, catalog).items() if key not in before}
        if new_errors:
            (code, _), message = next(iter(sorted(new_errors.items())))
            wall = f"{code}: {message}"
            break
        current, added = trial, added + copies
        existing |= {c.id for c in copies}
    if not added:
        raise EditError(f"Not even one copy fits: the first would meet {wall}")
    ids = tuple(r.id for r in added)
    copies_n = len(added) // len(racks)
    return Applied(current, racks_inverse(design, ids),
                   f"Filled with {copies_n} cop{'y' if copies_n == 1 else 'ies'} ({len(ids)} racks); "
                   f"the next would meet {wall}", racks=ids, added=ids)


def reference_units() -> list[str]:
    """The slugs of the reference designs a scalable unit can be dropped from."""
    return sorted(p.stem for p in REFERENCE_DIR.glob("*.json"))


def load_unit(unit: str, catalog: Catalog) -> Design:
    if unit not in reference_units():
        raise EditError(f"'{unit[:60]}' is not a scalable unit the studio knows ({', '.join(reference_units())})")
    return load_design(json.loads((REFERENCE_DIR / f"{unit}.json").read_text(encoding="utf-8")), catalog)


def unit_args(data) -> dict:
    return {"unit": slug(data, "unit"), "x": number(data, "x", "tiles", "The tile x"),
            "y": number(data, "y", "tiles", "The tile y")}


def add_scalable_unit(design: Design, catalog: Catalog, unit: str, x: int, y: int,
                      grid: TileGrid | None = None) -> Applied:
    """The racks of a reference design (its systems, network racks and PDUs, laid out as the reference
    does), the corner of their bounding box on tile (``x``, ``y``); each of its rows gets a row letter
    the design does not use. Its fabrics fill the roles the design has none for; its storage and
    facility entries are added to the design's."""
    source = load_unit(unit, catalog)
    if not source.racks:
        raise EditError(f"The unit '{unit}' has no racks")
    x0, y0, _, _ = _bbox(source, catalog, list(source.racks))
    existing = {r.id for r in design.racks}
    rows: dict[str, str] = {}
    placed: list[RackPlacement] = []
    for rack in source.racks:
        row = prefix(rack.id)
        if row not in rows:
            rows[row] = new_row_prefix(existing | {r.id for r in placed} | {p + "01" for p in rows.values()})
        label = next_labels(existing | {r.id for r in placed}, rows[row], 1)[0]
        placed.append(replace(rack, id=label, x_tiles=rack.x_tiles - x0 + x, y_tiles=rack.y_tiles - y0 + y,
                              phase=1))
    check_placement(design, catalog, placed, set(), grid)
    fabrics = {**source.fabrics, **design.fabrics}
    new = replace(with_racks(design, {}, placed), fabrics=fabrics, storage=design.storage + source.storage,
                  facility=design.facility + source.facility)
    ids = tuple(r.id for r in placed)
    inverse = {**racks_inverse(design, ids), **fields_inverse(design, ["fabrics", "storage", "facility"])}
    return Applied(new, inverse, f"Added the scalable unit {source.name} ({len(ids)} racks)", racks=ids, added=ids,
                   panels=("fabrics",))
