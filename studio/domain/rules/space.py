"""Space: devices in a rack's U slots, and racks on the floor plan.

In a rack, a device at ``u`` with height ``h`` occupies U ``u … u + h − 1`` (1 = bottom). A
rack-scale system's own trays occupy U1 … its ``u_height`` of its ``rack_u``.
On the floor, racks are footprints on the tile grid (``studio.domain.layout``); every test below
looks up only the tiles concerned, so the floor rules are linear in the number of racks.
"""

from __future__ import annotations

import math

from ..layout import TileGrid, claim_u
from .facts import DesignFacts, RackFacts
from .finding import ERROR, WARNING, Finding

# Aisle clearances, TIA-942 guidance as summarised in hardware.md §4 ("Aisle spacing") [M].
COLD_AISLE_MIN_MM = 1200.0  # in front of a rack (its air intake and service side)
HOT_AISLE_MIN_MM = 900.0  # behind a rack (exhaust, cabling, manifolds)


def _height_of(item) -> int:
    return int(getattr(item, "u_height", 0) or 0)


def rack_space(facts: RackFacts) -> list[Finding]:
    """``rack.space.overflow``: a device's top U (u + h − 1) > the rack's U height.
    ``rack.space.overlap``: two devices claim the same U.

    Worked example: a 42 U rack with DGX H100 (8 U) at U1, U9, U17, U25, U33 → the fifth tops
    out at U40 (fine); a sixth at U41 reaches U48 > 42 → overflow; a switch at U5 → overlap
    with the DGX at U1 (U1–U8).
    """
    out: list[Finding] = []
    top = facts.u_height
    owner: dict[int, str] = {}
    if facts.rack_system is not None:
        for u in range(1, min(_height_of(facts.rack_system), top) + 1):
            owner[u] = facts.rack_system.slug
    for placement, item in facts.devices:
        height = _height_of(item)
        if height <= 0:
            continue
        last = placement.u + height - 1
        if placement.u < 1 or last > top:
            out.append(Finding(ERROR, "rack.space.overflow", facts.id,
                               f"{facts.id}: {item.slug} at U{placement.u} needs U{placement.u}–U{last} but the rack "
                               f"has {top} U", last, top, "U"))
        clashes = claim_u(owner, max(1, placement.u), min(last, top), f"{item.slug} at U{placement.u}")
        if clashes:
            other = owner[clashes[0]]
            out.append(Finding(ERROR, "rack.space.overlap", facts.id,
                               f"{facts.id}: {item.slug} at U{placement.u} overlaps {other} on "
                               f"U{clashes[0]}–U{clashes[-1]}", len(clashes), 0, "U"))
    return out


def layout_bounds(facts: RackFacts, width_tiles: int, depth_tiles: int) -> list[Finding]:
    """``layout.out_of_bounds``: the footprint leaves the hall: x < 0, y < 0,
    x + w > width_tiles or y + d > depth_tiles.

    Worked example: hall 24 m × 18 m on 600 mm tiles = 40 × 30 tiles; a 600 × 1,200 mm rack at
    (40, 0) spans x 40–40 → beyond 39 → out of bounds; at (39, 28) it spans y 28–29 → fine.
    """
    fp = facts.footprint
    if fp is None or fp.within(width_tiles, depth_tiles):
        return []
    return [Finding(ERROR, "layout.out_of_bounds", facts.id,
                    f"{facts.id}: tiles x {fp.x}–{fp.x + fp.w - 1}, y {fp.y}–{fp.y + fp.d - 1} are outside the hall "
                    f"(x 0–{width_tiles - 1}, y 0–{depth_tiles - 1})", None, None, "")]


def layout_overlap(rack_id: str, other_id: str) -> Finding:
    """``layout.overlap``: two racks share at least one tile (found by the tile grid, not by
    comparing racks pairwise). Worked example: A01 at (2, 3) and A02 at (2, 4), both 1 × 2
    tiles → they share tile (2, 4)."""
    return Finding(ERROR, "layout.overlap", rack_id, f"{rack_id}: stands on the same tiles as {other_id}",
                   None, None, "")


def layout_clearance(facts: RackFacts, grid: TileGrid, tile_mm: int, width_tiles: int,
                     depth_tiles: int) -> list[Finding]:
    """``layout.aisle_clearance``: the band in front of the rack (cold aisle, ≥ 1.2 m =
    ceil(1200 / tile_mm) tiles) and behind it (hot aisle, ≥ 0.9 m = ceil(900 / tile_mm) tiles),
    as wide as the rack's face, must be free of other racks and inside the hall.

    The face follows ``rotation`` (0 → front towards −y, see ``layout``). Blocked right at the
    rack's face → error (the door cannot open, air cannot flow); blocked further out → warning.
    Worked example on 600 mm tiles: rack at (2, 5) facing −y needs tiles y 3–4 free in front and,
    being 2 tiles deep (y 5–6), y 7–8 free behind; a rack at (2, 8) → warning (hot aisle 0.6 m).
    """
    fp = facts.footprint
    if fp is None:
        return []
    out: list[Finding] = []
    for side, need_mm, aisle in (("front", COLD_AISLE_MIN_MM, "cold"), ("back", HOT_AISLE_MIN_MM, "hot")):
        depth = math.ceil(need_mm / tile_mm - 1e-9)
        strip = fp.strip(side, depth)
        row = fp.w if fp.rotation in (0, 180) else fp.d
        blocked_at = None
        blocker = ""
        for index, tile in enumerate(strip):
            x, y = tile
            other = grid.owner(tile)
            outside = not (0 <= x < width_tiles and 0 <= y < depth_tiles)
            if (other is not None and other != facts.id) or outside:
                blocked_at = index // row  # 0 = right at the face
                blocker = "the hall's wall" if outside else other
                break
        if blocked_at is None:
            continue
        clear_m = blocked_at * tile_mm / 1000.0
        severity = ERROR if blocked_at == 0 else WARNING
        out.append(Finding(severity, "layout.aisle_clearance", facts.id,
                           f"{facts.id}: {clear_m:.1f} m clear at the {side} ({aisle} aisle needs "
                           f"≥ {need_mm / 1000:.1f} m); blocked by {blocker}",
                           clear_m, need_mm / 1000.0, "m"))
    return out


def rack_space_findings(facts: RackFacts) -> list[Finding]:
    return rack_space(facts)


def overlaps_by_rack(design_facts: DesignFacts) -> dict[str, list[str]]:
    """Each overlapping pair once, under the rack placed later (``DesignFacts.overlaps``)."""
    out: dict[str, list[str]] = {}
    for later, earlier in design_facts.overlaps:
        out.setdefault(later, []).append(earlier)
    return out


def rack_layout_findings(facts: RackFacts, design_facts: DesignFacts, overlaps: list[str]) -> list[Finding]:
    """The floor-plan findings of one rack: bounds, aisle clearance and the overlaps it reports
    (``overlaps_by_rack``): O(tiles of the rack)."""
    site = design_facts.design.site
    wt, dt = site.width_tiles, site.depth_tiles
    return (layout_bounds(facts, wt, dt) + layout_clearance(facts, design_facts.grid, site.tile_mm, wt, dt)
            + [layout_overlap(facts.id, other) for other in overlaps])


def layout_findings(design_facts: DesignFacts) -> list[Finding]:
    """Floor-plan findings of all racks; each overlapping pair is reported once (by the later rack)."""
    overlaps = overlaps_by_rack(design_facts)
    out: list[Finding] = []
    for facts in design_facts.racks:
        out.extend(rack_layout_findings(facts, design_facts, overlaps.get(facts.id, [])))
    out.extend(layout_duplicates(design_facts))
    return out


def layout_duplicates(design_facts: DesignFacts) -> list[Finding]:
    """``layout.duplicate_id``: two racks with one id (the second is left out of every other rule)."""
    return [Finding(ERROR, "layout.duplicate_id", rack_id, f"{rack_id}: two racks have this id; the second is ignored",
                    None, None, "") for rack_id in design_facts.duplicate_ids]
