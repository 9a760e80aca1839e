"""Edits on the floor: move, rotate, add, duplicate and delete racks.

Every placement is checked on the tile grid (``layout.TileGrid``): a rack may not stand outside
the hall or on tiles another rack takes. The grid may be handed in (the editor keeps the one of
its last validation; it is only read here) or is built from the racks' footprints in O(racks).
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..catalog import Catalog, Rack, System
from ..design import ROTATIONS, Design, PduPlacement, RackPlacement
from ..layout import TileGrid, footprint_grid, rack_footprint
from ..rules.space import HOT_AISLE_MIN_MM
from .base import Applied, EditError, catalog_item, find_racks, racks_inverse, several, with_racks
from .labels import new_row_prefix, next_labels, prefix

# What a new rack comes with: two 60 A three-phase PDUs, one on each feed (A/B) for a cabinet
# (hardware.md §3.1: dual-corded racks), air cooling; a rack-scale system its direct liquid cooling.
DEFAULT_PDU = "pdu-415v-60a-3ph"
DEFAULT_CABINET_COOLING = "air"
DEFAULT_RACK_SCALE_COOLING = "dlc"


def check_placement(design: Design, catalog: Catalog, racks: list[RackPlacement], ignore: set[str],
                    grid: TileGrid | None = None) -> None:
    """Refuse footprints outside the hall, on tiles of racks other than ``ignore``, or on each other."""
    site = design.site
    wt, dt = site.width_tiles, site.depth_tiles
    if grid is None:
        grid = footprint_grid(catalog, design.racks, site.tile_mm)
    taken: dict[tuple[int, int], str] = {}
    for rack in racks:
        fp = rack_footprint(catalog, rack, site.tile_mm)
        if not fp.within(wt, dt):
            raise EditError(f"{rack.id} would stand outside the hall (tiles x {fp.x}–{fp.x + fp.w - 1}, "
                            f"y {fp.y}–{fp.y + fp.d - 1}; the hall is x 0–{wt - 1}, y 0–{dt - 1})")
        for tile in fp.tiles():
            for other in grid.racks_on(tile):
                if other not in ignore:
                    raise EditError(f"{rack.id} would stand on tiles taken by {other}")
            if tile in taken:
                raise EditError(f"{rack.id} would stand on tiles taken by {taken[tile]}")
            taken[tile] = rack.id


def _relocate(design: Design, catalog: Catalog, moved: list[RackPlacement], verb: str,
              grid: TileGrid | None) -> Applied:
    labels = [r.id for r in moved]
    check_placement(design, catalog, moved, set(labels), grid)
    return Applied(with_racks(design, {r.id: r for r in moved}), racks_inverse(design, labels),
                   several(labels, verb), racks=tuple(labels))


def move_racks(design: Design, catalog: Catalog, labels: list[str], dx: int, dy: int,
               grid: TileGrid | None = None) -> Applied:
    """Move the named racks (one rack, or a selected row) by ``dx``/``dy`` tiles."""
    racks = find_racks(design, labels)
    if dx == 0 and dy == 0:
        raise EditError("The racks did not move")
    moved = [replace(r, x_tiles=r.x_tiles + dx, y_tiles=r.y_tiles + dy) for r in racks]
    return _relocate(design, catalog, moved, "Moved", grid)


def rotate_racks(design: Design, catalog: Catalog, labels: list[str], grid: TileGrid | None = None) -> Applied:
    """Turn each named rack 90° clockwise about its own corner."""
    moved = [replace(r, rotation=(r.rotation + 90) % 360) for r in find_racks(design, labels)]
    return _relocate(design, catalog, moved, "Rotated", grid)


def add_rack(design: Design, catalog: Catalog, model: str, x: int, y: int, rotation: int = 0,
             grid: TileGrid | None = None) -> Applied:
    """A new rack cabinet (with ``DEFAULT_PDU`` on feeds A and B, air cooled) or rack-scale system
    (liquid cooled) on tile (``x``, ``y``). Its id continues the row of racks at the same ``y``
    facing the same way, else starts a new row letter."""
    item = catalog_item(catalog, model, (Rack, System), "a rack cabinet or rack-scale system")
    if isinstance(item, System) and not item.is_rack_scale:
        raise EditError(f"{item.name} is a server: drop it into a rack's elevation instead")
    if rotation not in ROTATIONS:
        raise EditError("The rotation must be 0, 90, 180 or 270 degrees")
    existing = {r.id for r in design.racks}
    mates = [r for r in design.racks if r.y_tiles == y and r.rotation == rotation]
    label = next_labels(existing, prefix(mates[0].id) if mates else new_row_prefix(existing), 1)[0]
    if isinstance(item, System):
        rack = RackPlacement(label, item.slug, x, y, rotation, DEFAULT_RACK_SCALE_COOLING)
    else:
        rack = RackPlacement(label, item.slug, x, y, rotation, DEFAULT_CABINET_COOLING,
                             pdus=(PduPlacement(DEFAULT_PDU, "A"), PduPlacement(DEFAULT_PDU, "B")))
    check_placement(design, catalog, [rack], set(), grid)
    return Applied(with_racks(design, {}, [rack]), racks_inverse(design, [label]), f"Added {label} ({item.name})",
                   racks=(label,), added=(label,))


def _copy_candidates(design: Design, catalog: Catalog, racks: list[RackPlacement]) -> list[list[RackPlacement]]:
    """Where copies may go: one rack beside itself along its row (after it, then before it); a
    row behind itself (then in front), turned 180° so that the two rows share a hot aisle."""
    tile_mm = design.site.tile_mm
    fps = [rack_footprint(catalog, r, tile_mm) for r in racks]
    if len(racks) == 1:
        r, fp = racks[0], fps[0]
        along_x = r.rotation in (0, 180)
        step = fp.w if along_x else fp.d
        return [[replace(r, x_tiles=r.x_tiles + k * step) if along_x else replace(r, y_tiles=r.y_tiles + k * step)]
                for k in (1, -1)]
    x0, y0 = min(f.x for f in fps), min(f.y for f in fps)
    x1, y1 = max(f.x + f.w for f in fps), max(f.y + f.d for f in fps)
    hot = math.ceil(HOT_AISLE_MIN_MM / tile_mm)
    row_along_x = (x1 - x0) >= (y1 - y0)
    out = []
    for k in (1, -1):
        if row_along_x:
            out.append([replace(r, y_tiles=r.y_tiles + (y1 - y0 + hot) * k, rotation=(r.rotation + 180) % 360)
                        for r in racks])
        else:
            out.append([replace(r, x_tiles=r.x_tiles + (x1 - x0 + hot) * k, rotation=(r.rotation + 180) % 360)
                        for r in racks])
    return out


def duplicate_racks(design: Design, catalog: Catalog, labels: list[str], grid: TileGrid | None = None) -> Applied:
    """Copy the selected racks beside them (see ``_copy_candidates``); the first place that is free wins."""
    racks = find_racks(design, labels)
    existing = {r.id for r in design.racks}
    row = prefix(racks[0].id) if len(racks) == 1 else new_row_prefix(existing)
    new_labels = next_labels(existing, row, len(racks))
    if grid is None:
        grid = footprint_grid(catalog, design.racks, design.site.tile_mm)
    for candidate in _copy_candidates(design, catalog, racks):
        copies = [replace(c, id=label) for c, label in zip(candidate, new_labels, strict=True)]
        try:
            check_placement(design, catalog, copies, set(), grid)
        except EditError:
            continue
        new = tuple(c.id for c in copies)
        message = (f"Duplicated {', '.join(r.id for r in racks)} as {', '.join(new)}" if len(new) < 4
                   else f"Duplicated {len(new)} racks")
        return Applied(with_racks(design, {}, copies), racks_inverse(design, new), message, racks=new, added=new)
    raise EditError("There is no free space beside the selection for a copy: make room or move it first")


def delete_racks(design: Design, labels: list[str]) -> Applied:
    racks = find_racks(design, labels)
    ids = [r.id for r in racks]
    return Applied(with_racks(design, dict.fromkeys(ids)), racks_inverse(design, ids), several(ids, "Deleted"),
                   removed=tuple(ids))
