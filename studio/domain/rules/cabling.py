"""Cable typing: each fabric's cables by their floor-plan length — what depends on where racks stand.

``rules.network`` sizes the fabrics from what the racks hold (endpoints, switches: the contents);
this module types the cables of that sizing by the racks' positions. Each endpoint rack's cables
run to the nearest rack holding the fabric's switches (``cable_length_m``); the cheapest media that
reaches is chosen (``cable_media``). The result keeps every rack's typing, so that after a move
``retype_fabric`` re-types only the moved racks: O(moved racks × switch racks) instead of a
distance transform over the hall. It gives exactly what ``type_fabric`` gives (the distance
transform is exact where the hall's box is below ``MAX_DISTANCE_CELLS``; beyond, and whenever a
rack holding the fabric's switches moves, the fabric is typed again in full).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..catalog import Transceiver
from ..fabric import OPTICS_PER_CABLE
from ..layout import MAX_DISTANCE_CELLS, nearest_distances
from ..units import round_sig
from .facts import DesignFacts, RackFacts
from .finding import ERROR, INFO, Finding

# Cable reach by media when the catalog has no transceiver of that media (hardware.md §2.3, §5.6).
DEFAULT_REACH_M = {
    "dac": 3.0,  # passive copper: "DAC/ACC for ≤ 3–5 m", take the short end
    "multimode": 50.0,  # MMA4Z00-NS400 400G SR4 multimode: 50 m
    "singlemode": 500.0,  # 400GBASE-DR4 singlemode: 500 m (IEEE 802.3bs)
}
RJ45_REACH_M = 100.0  # 1000BASE-T over Cat6: 100 m (IEEE 802.3ab), used by the out-of-band network
CABLE_SLACK_M = 0.5  # service loop and routing at both ends [M]
OPTICAL_MEDIA = ("multimode", "singlemode")


def media_reach(catalog, speed_gbps: float = 0.0) -> dict[str, float]:
    """Longest reach per media among the catalog's transceivers of this port speed (any speed when
    none matches), else ``DEFAULT_REACH_M``. Passive DAC only counts as "dac" (ACC, AOC are not
    what the 3 m copper rule is about; AOC counts with multimode optics)."""
    groups = {"dac": "dac", "aoc": "multimode", "multimode": "multimode", "singlemode": "singlemode"}
    items = [t for t in catalog.of_kind(Transceiver) if t.media in groups]
    same_speed = [t for t in items if t.speed_gbps == speed_gbps]
    found: dict[str, float] = {}
    for item in same_speed or items:
        media = groups[item.media]
        found[media] = max(found.get(media, 0.0), float(item.reach_m))
    reach = dict(DEFAULT_REACH_M)
    reach.update(found)
    return reach


def cable_length_m(distance_tiles: int | None, tile_mm: int, height_m: float, same_rack: bool) -> float:
    """Cable length on the floor plan: Manhattan distance + 2 × rack height + slack.

    Inside one rack a cable runs at most the rack's height: height + slack.
    Worked example (600 mm tiles, 48 U = 2.13 m racks): 5 tiles apart → 3.0 + 4.27 + 0.5 = 7.77 m
    (optics); same rack → 2.13 + 0.5 = 2.63 m (DAC).
    """
    if same_rack or not distance_tiles:
        return height_m + CABLE_SLACK_M if same_rack else 2 * height_m + CABLE_SLACK_M
    return distance_tiles * tile_mm / 1000.0 + 2 * height_m + CABLE_SLACK_M


def cable_media(length_m: float, reach: dict[str, float]) -> str | None:
    """The cheapest media that reaches: DAC ≤ 3 m, then multimode, then singlemode; None beyond."""
    for media in ("dac", "multimode", "singlemode"):
        if length_m <= reach[media]:
            return media
    return None


@dataclass(frozen=True)
class RackCables:
    """One endpoint rack's cables of one fabric: ``count`` cables of ``length_m`` typed ``media``;
    ``error`` is the ``network.cable_reach`` error when no media reaches (then typed singlemode)."""

    length_m: float
    media: str
    count: int
    error: Finding | None = None


@dataclass
class FabricCabling:
    """One fabric's cables typed by length. ``racks``: each endpoint rack's cables, in design order;
    ``inter``: the switch-to-switch links (leaf-spine and above); ``unplaced``: links whose media is
    not known (no rack holds the fabric's switches, or storage listed but not placed); ``box``: a
    bounding box (x0, y0, x1, y1) holding every point measured (exact after a full typing)."""

    role: str
    model: str
    speed_gbps: float
    reach: dict[str, float]
    racks: dict[str, RackCables]
    inter: RackCables | None
    unplaced: int
    box: tuple[int, int, int, int] | None
    counts: Counter
    longest_m: float

    @property
    def transceivers(self) -> Counter:
        """Two optics per optical cable (``OPTICS_PER_CABLE``); copper and RJ45 have none."""
        return Counter({m: OPTICS_PER_CABLE * n for m, n in self.counts.items() if m in OPTICAL_MEDIA})

    def findings(self) -> list[Finding]:
        """The racks' ``network.cable_reach`` errors and the fabric's summary (info)."""
        out = [r.error for r in self.racks.values() if r.error is not None]
        if self.box is not None:  # a rack holds the fabric's switches: its cables are typed
            subject = f"fabric:{self.role}"
            summary = ", ".join(f"{n} {m}" for m, n in sorted(self.counts.items()) if n)
            out.append(Finding(INFO, "network.cable_reach", subject,
                               f"{subject}: {sum(self.counts.values())} cables ({summary}); longest ≈ "
                               f"{self.longest_m:.1f} m", round_sig(self.longest_m), None, "m"))
        return out

    def as_dict(self) -> dict:
        """The per-fabric entry of the totals' ``fabric_links``."""
        return {"model": self.model, "speed_gbps": self.speed_gbps, "cables": dict(sorted(self.counts.items())),
                "transceivers": dict(sorted(self.transceivers.items()))}


def _centre(facts: RackFacts) -> tuple[int, int]:
    fp = facts.footprint
    return (fp.x + fp.w // 2, fp.y + fp.d // 2)


def _box(points: list[tuple[int, int]]) -> tuple[int, int, int, int] | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _exact(box: tuple[int, int, int, int]) -> bool:
    """``nearest_distances`` is exact (one cell per tile) on this box: (w + 1)·(h + 1) ≤ MAX_DISTANCE_CELLS."""
    return (box[2] - box[0] + 2) * (box[3] - box[1] + 2) <= MAX_DISTANCE_CELLS


def _rack_cables(role: str, model: str, facts: RackFacts, n: int, dist: int | None, switch_racks, tile_mm: int,
                 reach: dict[str, float]) -> RackCables:
    length = cable_length_m(dist, tile_mm, facts.height_m, facts.id in switch_racks)
    oob = role == "oob"
    media = ("rj45" if length <= RJ45_REACH_M else None) if oob else cable_media(length, reach)
    if media is not None:
        return RackCables(length, media, n)
    error = Finding(ERROR, "network.cable_reach", facts.id,
                    f"{facts.id}: {role} cables of {length:.0f} m to the nearest {model} rack; no cable type "
                    "reaches that far", round_sig(length), RJ45_REACH_M if oob else reach["singlemode"], "m")
    return RackCables(length, "singlemode", n, error)


def _inter(role: str, switch_racks: list[str], links: int, df: DesignFacts, reach: dict[str, float]):
    """Switch-to-switch links run between the fabric's switch racks (their bounding box)."""
    if not links:
        return None
    fps = [df.by_id[r].footprint for r in switch_racks]
    span = (max(f.x for f in fps) - min(f.x for f in fps)) + (max(f.y for f in fps) - min(f.y for f in fps))
    height = max(df.by_id[r].height_m for r in switch_racks)
    length = cable_length_m(span, df.design.site.tile_mm, height, len(switch_racks) == 1)
    media = ("rj45" if length <= RJ45_REACH_M else "singlemode") if role == "oob" else \
        (cable_media(length, reach) or "singlemode")
    return RackCables(length, media, links)


def _finish(cabling: FabricCabling) -> FabricCabling:
    counts: Counter = Counter()
    longest = 0.0
    for r in cabling.racks.values():
        counts[r.media] += r.count
        longest = max(longest, r.length_m)
    if cabling.unplaced:
        counts["unplaced"] += cabling.unplaced
    if cabling.inter is not None:
        counts[cabling.inter.media] += cabling.inter.count
        longest = max(longest, cabling.inter.length_m)
    cabling.counts, cabling.longest_m = counts, longest
    return cabling


def type_fabric(role: str, model: str, speed_gbps: float, switch_racks: list[str], size, endpoints: dict[str, int],
                unplaced_endpoints: int, df: DesignFacts, reach: dict[str, float]) -> FabricCabling:
    """Type every cable of a sized fabric (``size``: its ``FabricSize``) on the floor plan.

    No rack holds the fabric's switches → all its cables are ``unplaced``. Otherwise each endpoint
    rack's cables by the distance to the nearest switch rack (DAC ≤ 3 m, else multimode, else
    singlemode; longer than any media reaches → ``network.cable_reach`` error; out-of-band links are
    RJ45 ≤ 100 m), and the switch-to-switch links by the span of the switch racks.
    Worked example (tests/test_rules_network.py): 32 DGX H100 in 8 racks 11–18 tiles from one network
    rack of 12 QM9700 → 256 multimode node-leaf cables (512 optics); the 256 leaf-spine links inside
    that rack are DAC.
    """
    if not switch_racks:
        cabling = FabricCabling(role, model, speed_gbps, reach, {}, None, size.cables, None, Counter(), 0.0)
        return _finish(cabling)
    sources = [_centre(df.by_id[r]) for r in switch_racks]
    ids = list(endpoints)
    queries = [_centre(df.by_id[r]) for r in ids]
    distances = nearest_distances(sources, queries)
    held = set(switch_racks)
    tile_mm = df.design.site.tile_mm
    racks = {rack_id: _rack_cables(role, model, df.by_id[rack_id], endpoints[rack_id], dist, held, tile_mm, reach)
             for rack_id, dist in zip(ids, distances)}
    inter = _inter(role, switch_racks, size.leaf_spine_cables + size.spine_core_cables, df, reach)
    return _finish(FabricCabling(role, model, speed_gbps, reach, racks, inter, unplaced_endpoints,
                                 _box(sources + queries), Counter(), 0.0))


def retype_fabric(previous: FabricCabling, moved: set[str], switch_racks: list[str], size, endpoints: dict[str, int],
                  unplaced_endpoints: int, df: DesignFacts) -> FabricCabling:
    """``type_fabric`` after racks in ``moved`` changed place (not contents), reusing the other racks'
    typing: each moved endpoint rack is measured to its nearest switch rack directly. A moved switch
    rack, or a box beyond one cell per tile, types the fabric in full."""
    args = (previous.role, previous.model, previous.speed_gbps, switch_racks, size, endpoints, unplaced_endpoints,
            df, previous.reach)
    if not switch_racks or previous.box is None or moved & set(switch_racks):
        return type_fabric(*args)
    mine = [r for r in moved if r in endpoints]
    if not mine:
        return previous
    centres = {r: _centre(df.by_id[r]) for r in mine}
    x0, y0, x1, y1 = previous.box
    for x, y in centres.values():
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    if not _exact((x0, y0, x1, y1)):
        return type_fabric(*args)
    sources = [_centre(df.by_id[r]) for r in switch_racks]
    held = set(switch_racks)
    racks = dict(previous.racks)
    counts, longest, shorter = previous.counts.copy(), previous.longest_m, False
    for rack_id, (qx, qy) in centres.items():
        dist = min(abs(qx - sx) + abs(qy - sy) for sx, sy in sources)
        old = racks[rack_id]
        new = racks[rack_id] = _rack_cables(previous.role, previous.model, df.by_id[rack_id], endpoints[rack_id],
                                            dist, held, df.design.site.tile_mm, previous.reach)
        counts[old.media] -= old.count
        if not counts[old.media]:
            del counts[old.media]
        counts[new.media] += new.count
        longest = max(longest, new.length_m)
        shorter |= old.length_m == previous.longest_m and new.length_m < old.length_m
    if shorter:  # the longest cable may have been the moved rack's: measure again over all
        longest = max([r.length_m for r in racks.values()] + ([previous.inter.length_m] if previous.inter else []))
    return FabricCabling(previous.role, previous.model, previous.speed_gbps, previous.reach, racks, previous.inter,
                         previous.unplaced, (x0, y0, x1, y1), counts, longest)
