"""The floor plan as a tile grid: rack footprints, facing, overlap lookup and floor distances.

Coordinates are tiles: ``x`` runs along the hall's width, ``y`` along its depth, (0, 0) is a corner.
A rack at ``(x_tiles, y_tiles)`` covers ``w × d`` tiles from that corner, where at rotation 0 the
rack's width runs along x and its depth along y; at 90 and 270 the two swap.

Facing: at rotation 0 the rack's front (cold side) faces −y (towards y = 0); each 90° turns it
clockwise seen from above: 90 → +x, 180 → +y, 270 → −x. The back (hot side) is opposite.

Everything here is linear in the number of racks: the grid is a dict from tile to rack id, so an
overlap or clearance test looks up the few tiles concerned instead of comparing racks pairwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .catalog import Catalog, Rack, System
from .units import tiles_for_mm

Tile = tuple[int, int]

FRONT_DIRECTION: dict[int, Tile] = {0: (0, -1), 90: (1, 0), 180: (0, 1), 270: (-1, 0)}

# A rack model the catalog cannot resolve is still drawn and placed: a standard 42 U,
# 600 × 1,200 mm cabinet (the same fallback as ``rules.facts``).
FALLBACK_RACK_DIMS = (42, 600.0, 1200.0)
# Rack-scale systems with no dimensions in the catalog: the MGX/Oberon rack is 600 × 1,200 mm [M].
RACK_SCALE_DIMS_MM = (600.0, 1200.0)

# Above this many cells the distance transform works on a coarser grid (a hall of 2,000 racks
# on 600 mm tiles is ~50,000 cells; this cap is only reached by absurdly sparse designs).
MAX_DISTANCE_CELLS = 2_000_000


@dataclass(frozen=True)
class Footprint:
    """A rack's rectangle on the grid: corner ``(x, y)``, ``w`` tiles along x, ``d`` along y."""

    x: int
    y: int
    w: int
    d: int
    rotation: int = 0

    @classmethod
    def of(cls, x: int, y: int, width_mm: float, depth_mm: float, rotation: int, tile_mm: int) -> Footprint:
        """Footprint in tiles: ceil(mm / tile_mm) per side, sides swapped at 90° and 270°.

        Worked example: a 600 × 1,200 mm rack on 600 mm tiles is 1 × 2 tiles at rotation 0 and
        2 × 1 tiles at rotation 90.
        """
        across, deep = tiles_for_mm(width_mm, tile_mm), tiles_for_mm(depth_mm, tile_mm)
        if rotation in (90, 270):
            across, deep = deep, across
        return cls(x, y, across, deep, rotation)

    def tiles(self) -> Iterator[Tile]:
        for dx in range(self.w):
            for dy in range(self.d):
                yield (self.x + dx, self.y + dy)

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.w / 2.0, self.y + self.d / 2.0)

    def within(self, width_tiles: int, depth_tiles: int) -> bool:
        return self.x >= 0 and self.y >= 0 and self.x + self.w <= width_tiles and self.y + self.d <= depth_tiles

    def strip(self, side: str, depth_tiles: int) -> list[Tile]:
        """The tiles of the band ``depth_tiles`` deep directly in front of (``side='front'``) or
        behind (``'back'``) the rack, as wide as the rack's face."""
        dx, dy = FRONT_DIRECTION[self.rotation]
        if side == "back":
            dx, dy = -dx, -dy
        out: list[Tile] = []
        for k in range(1, depth_tiles + 1):
            if dy:  # the face runs along x
                y = self.y - k if dy < 0 else self.y + self.d - 1 + k
                out.extend((self.x + i, y) for i in range(self.w))
            else:
                x = self.x - k if dx < 0 else self.x + self.w - 1 + k
                out.extend((x, self.y + j) for j in range(self.d))
        return out


class TileGrid:
    """Which rack stands on which tile. Placing is O(tiles of the rack); lookups are O(1)."""

    def __init__(self) -> None:
        self._owner: dict[Tile, str] = {}
        self._also: dict[Tile, list[str]] = {}  # contested tiles: the racks after the first owner
        self._footprints: dict[str, Footprint] = {}

    def place(self, rack_id: str, footprint: Footprint) -> list[str]:
        """Put a rack on the grid; returns the ids of racks already on any of its tiles (in order).

        Tiles already taken keep their first owner, so each overlap is reported once, by the
        rack placed later.
        """
        self._footprints[rack_id] = footprint
        hits: list[str] = []
        owner = self._owner
        for tile in footprint.tiles():
            other = owner.get(tile)
            if other is None:
                owner[tile] = rack_id
            elif other != rack_id:
                self._also.setdefault(tile, []).append(rack_id)
                if other not in hits:
                    hits.append(other)
        return hits

    def remove(self, rack_id: str) -> None:
        footprint = self._footprints.pop(rack_id, None)
        if footprint is None:
            return
        for tile in footprint.tiles():
            also = self._also.get(tile)
            if also and rack_id in also:
                also.remove(rack_id)
            elif self._owner.get(tile) == rack_id:
                if also:  # the next rack on this tile becomes its owner
                    self._owner[tile] = also.pop(0)
                else:
                    del self._owner[tile]
            if also is not None and not also:
                del self._also[tile]

    def owner(self, tile: Tile) -> str | None:
        return self._owner.get(tile)

    def copy(self) -> TileGrid:
        """An independent grid with the same racks (O(tiles), dictionary copies)."""
        grid = TileGrid()
        grid._owner = dict(self._owner)
        grid._also = {tile: list(racks) for tile, racks in self._also.items()}
        grid._footprints = dict(self._footprints)
        return grid

    def racks_on(self, tile: Tile) -> list[str]:
        """Every rack standing on ``tile``: its owner first, then any overlapping it."""
        owner = self._owner.get(tile)
        return [] if owner is None else [owner, *self._also.get(tile, ())]

    def footprint(self, rack_id: str) -> Footprint:
        return self._footprints[rack_id]

    def others_on(self, tiles: Iterable[Tile], rack_id: str) -> list[str]:
        """Racks other than ``rack_id`` standing on any of ``tiles`` (each once, in order)."""
        found: list[str] = []
        for tile in tiles:
            other = self._owner.get(tile)
            if other is not None and other != rack_id and other not in found:
                found.append(other)
        return found

    def overlapping(self, rack_id: str) -> list[str]:
        """Racks sharing a tile with ``rack_id``, whichever was placed first (O(tiles of the rack))."""
        found: list[str] = []
        for tile in self._footprints[rack_id].tiles():
            for other in (self._owner.get(tile), *self._also.get(tile, ())):
                if other is not None and other != rack_id and other not in found:
                    found.append(other)
        return found

    def __len__(self) -> int:
        return len(self._footprints)


def nearest_distances(sources: list[Tile], queries: list[Tile]) -> list[int | None]:
    """Manhattan distance (tiles) from each query tile to the nearest source tile.

    A two-pass L1 distance transform over the bounding box of all points: O(cells + points),
    with no pairwise loop. When the box exceeds ``MAX_DISTANCE_CELLS`` it works on cells of
    ``s × s`` tiles and the result is exact to within 2·s tiles. ``None`` when there are no sources.

    Worked example: sources (0, 0) and (10, 0); query (7, 2) → min(7 + 2, 3 + 2) = 5.
    """
    if not sources:
        return [None] * len(queries)
    xs = [p[0] for p in sources] + [q[0] for q in queries]
    ys = [p[1] for p in sources] + [q[1] for q in queries]
    x0, y0 = min(xs), min(ys)
    width, height = max(xs) - x0 + 1, max(ys) - y0 + 1
    scale = 1
    while (width // scale + 1) * (height // scale + 1) > MAX_DISTANCE_CELLS:
        scale *= 2
    cols, rows = width // scale + 1, height // scale + 1
    inf = cols + rows + 1
    dist = [inf] * (cols * rows)
    for sx, sy in sources:
        dist[((sy - y0) // scale) * cols + (sx - x0) // scale] = 0
    for r in range(rows):  # forward pass: from the top and the left
        base = r * cols
        for c in range(cols):
            i = base + c
            d = dist[i]
            if d:
                if c and dist[i - 1] + 1 < d:
                    d = dist[i - 1] + 1
                if r and dist[i - cols] + 1 < d:
                    d = dist[i - cols] + 1
                dist[i] = d
    for r in range(rows - 1, -1, -1):  # backward pass: from the bottom and the right
        base = r * cols
        for c in range(cols - 1, -1, -1):
            i = base + c
            d = dist[i]
            if d:
                if c < cols - 1 and dist[i + 1] + 1 < d:
                    d = dist[i + 1] + 1
                if r < rows - 1 and dist[i + cols] + 1 < d:
                    d = dist[i + cols] + 1
                dist[i] = d
    return [dist[((qy - y0) // scale) * cols + (qx - x0) // scale] * scale for qx, qy in queries]


# --- racks and their U slots: the one definition of footprint and occupancy -------------------


def lookup(catalog: Catalog, slug: str):
    """The catalog item with this slug, or None (a design may name an item the catalog lost)."""
    return catalog.get(slug) if slug in catalog else None


def rack_dims(catalog: Catalog, model: str) -> tuple[int, float, float]:
    """(U height, width mm, depth mm) of a rack cabinet or rack-scale system slug
    (``FALLBACK_RACK_DIMS`` for anything else)."""
    item = lookup(catalog, model)
    if isinstance(item, Rack):
        return item.u_height, item.width_mm, item.depth_mm
    if isinstance(item, System) and item.is_rack_scale:
        return (item.rack_u or item.u_height or FALLBACK_RACK_DIMS[0], item.width_mm or RACK_SCALE_DIMS_MM[0],
                item.depth_mm or RACK_SCALE_DIMS_MM[1])
    return FALLBACK_RACK_DIMS


def rack_footprint(catalog: Catalog, rack, tile_mm: int) -> Footprint:
    """A placed rack's footprint on the tile grid (its model's width and depth, its rotation)."""
    _, width_mm, depth_mm = rack_dims(catalog, rack.model)
    return Footprint.of(rack.x_tiles, rack.y_tiles, width_mm, depth_mm, rack.rotation, tile_mm)


def device_height_u(item) -> int:
    """U a device occupies: its ``u_height``, at least one (a zero-height item, or one the catalog
    lost, still takes a slot to be drawn and moved)."""
    return max(1, int(getattr(item, "u_height", 1) or 1))


def occupied_u(catalog: Catalog, rack, skip: int | None = None) -> dict[int, str]:
    """Which device takes each U of a rack: U → the device's name. A device at ``u`` with height
    ``h`` takes U ``u … u + h − 1``; ``skip`` leaves out the device at that index of ``rack.devices``
    (the one being moved). A rack-scale system's U are all its own.

    Worked example: DGX H100 (8 U) at U1 and a 1 U switch at U17 → U1–U8 and U17 taken, U9 free.
    """
    model = lookup(catalog, rack.model)
    if isinstance(model, System) and model.is_rack_scale:
        return dict.fromkeys(range(1, rack_dims(catalog, rack.model)[0] + 1), model.name)
    taken: dict[int, str] = {}
    for index, dev in enumerate(rack.devices):
        if index != skip:
            item = lookup(catalog, dev.model)
            claim_u(taken, dev.u, dev.u + device_height_u(item) - 1, item.name if item is not None else dev.model)
    return taken


def claim_u(taken: dict[int, str], first: int, last: int, name: str) -> list[int]:
    """Give U ``first … last`` to ``name`` where free; returns the U another device holds already
    (each U keeps its first owner). The one rule of occupancy, for the editor and ``rules.space``.

    Worked example: with U1–U8 taken by a DGX H100, claiming U5–U6 for a switch returns [5, 6].
    """
    clashes = []
    for u in range(first, last + 1):
        if u in taken:
            clashes.append(u)
        else:
            taken[u] = name
    return clashes


def footprint_grid(catalog: Catalog, racks, tile_mm: int) -> TileGrid:
    """The tile grid of some racks, placed in order (O(their tiles); no device is looked at)."""
    grid = TileGrid()
    for rack in racks:
        grid.place(rack.id, rack_footprint(catalog, rack, tile_mm))
    return grid
