"""The validation engine: ``validate(design, catalog) -> Report`` (findings + totals).

Each rule is a small function in its module (power, cooling, space, weight, network, storage,
site) with its formula in its docstring. Everything is computed in one linear pass: rack facts
once per rack (``facts``), the floor plan on a tile grid (no pairwise rack loops), fabrics from
counts. After an edit, ``revalidate`` reuses the previous ``Analysis`` for what the edit cannot
have changed and gives exactly what ``validate`` gives (tests/test_incremental_property.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..catalog import Catalog
from ..design import Design, RackPlacement
from ..layout import TileGrid
from ..totals import Totals
from ..units import w_to_kw
from .cooling import rack_cooling_findings
from .facts import DesignFacts, RackFacts, design_facts, rack_facts
from .finding import ERROR, INFO, SEVERITIES, WARNING, Finding
from .network import FabricSize, NetworkAnalysis, analyse_network, size_fabric
from .power import rack_power_findings
from .site import SiteLoads, site_findings
from .space import (
    COLD_AISLE_MIN_MM,
    HOT_AISLE_MIN_MM,
    layout_duplicates,
    overlaps_by_rack,
    rack_layout_findings,
    rack_space_findings,
)
from .storage import StorageSummary, storage_findings, storage_summary
from .weight import rack_weight_findings

__all__ = [
    "ERROR", "INFO", "SEVERITIES", "WARNING", "Analysis", "FabricSize", "Finding", "Report", "Totals", "analyse",
    "rack_findings", "revalidate", "size_fabric", "validate",
]


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...] = ()
    totals: Totals = field(default_factory=Totals)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    def for_subject(self, subject: str) -> list[Finding]:
        return [f for f in self.findings if f.subject == subject]

    def as_dict(self) -> dict:
        return {"findings": [f.as_dict() for f in self.findings], "totals": self.totals.as_dict()}


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """Errors first, then warnings, then info; within each by code and subject."""
    return tuple(sorted(findings, key=lambda f: f.sort_key))


def rack_findings(facts: RackFacts, design: Design) -> list[Finding]:
    """Everything about one rack that does not depend on other racks: O(its devices)."""
    site = design.site
    return (list(facts.problems) + rack_power_findings(facts, site.redundancy) + rack_cooling_findings(facts)
            + rack_space_findings(facts) + rack_weight_findings(facts, site.floor_max_kg_per_m2))


def site_loads(df: DesignFacts, network: NetworkAnalysis, storage: StorageSummary) -> SiteLoads:
    loads = SiteLoads()
    rack_max = rack_typ = air = liquid = captured = 0.0
    for f in df.racks:
        rack_max += f.power_max_w
        rack_typ += f.power_typical_w
        liquid += f.heat_liquid_w
        if f.cooling is not None and f.cooling.to_liquid:
            captured += f.heat_air_w
        else:
            air += f.heat_air_w
    unplaced_max = network.unplaced_power_max_w + storage.unplaced_power_max_w
    unplaced_typ = network.unplaced_power_typical_w + storage.unplaced_power_typical_w
    loads.it_kw_max = w_to_kw(rack_max + unplaced_max)
    loads.it_kw_typical = w_to_kw(rack_typ + unplaced_typ)
    loads.room_air_kw = w_to_kw(air + unplaced_max)
    loads.facility_liquid_kw = w_to_kw(liquid + captured)
    loads.cold_plate_kw = w_to_kw(liquid)
    return loads


def _counts(findings: tuple[Finding, ...]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


def _links(network: NetworkAnalysis) -> dict:
    """The totals' cables and transceivers by media, and per fabric (``fabric_links``)."""
    return {"cables": dict(sorted(network.cables.items())), "transceivers": dict(sorted(network.transceivers.items())),
            "fabric_links": network.fabric_links}


def _totals(df: DesignFacts, network: NetworkAnalysis, storage: StorageSummary, loads: SiteLoads,
            findings: tuple[Finding, ...]) -> Totals:
    switches = {role: {"model": plan.model, "leaf": plan.size.leaf, "spine": plan.size.spine,
                       "core": plan.size.core, "placed": plan.placed, "tiers": plan.size.tiers}
                for role, plan in network.fabrics.items()}
    return Totals(
        gpus=sum(f.gpus for f in df.racks),
        systems=sum(f.systems for f in df.racks),
        racks=len(df.racks),
        it_kw_max=round(loads.it_kw_max, 3),
        it_kw_typical=round(loads.it_kw_typical, 3),
        racks_kw_max=round(w_to_kw(sum(f.power_max_w for f in df.racks)), 3),
        heat_air_kw=round(loads.room_air_kw, 3),  # the site cooling rule's own numbers (one computation)
        heat_liquid_kw=round(loads.facility_liquid_kw, 3),
        room_air_kw=round(loads.room_air_kw, 3),
        facility_liquid_kw=round(loads.facility_liquid_kw, 3),
        weight_kg=round(sum(f.weight_kg for f in df.racks), 1),
        facility_kw=round(loads.it_kw_max * df.design.site.pue, 3),
        switches=switches,
        switches_placed=sum(df.placed_switches().values()),
        storage={"appliances": storage.appliances, "read_gb_s": round(storage.read_gb_s, 3),
                 "write_gb_s": round(storage.write_gb_s, 3), "capacity_tb": round(storage.capacity_tb, 3)},
        findings=_counts(findings),
        **_links(network),
    )


def validate(design: Design, catalog: Catalog) -> Report:
    """All findings (errors first) and the totals of a design. Linear in racks and devices."""
    return analyse(design, catalog).report


@dataclass(frozen=True)
class Analysis:
    """A validation kept for the next edit: the facts, and each rack's findings in two parts —
    ``content`` (what does not depend on where the rack stands) and ``floor`` (bounds, aisle
    clearance, the overlaps the rack reports). ``revalidate`` reuses what an edit cannot change:
    ``network`` (sizing and cabling) and ``design_wide`` (the duplicate-id findings, and the storage
    and site findings), which depend on the racks' contents, not on their places."""

    design: Design
    facts: DesignFacts
    content: dict[str, list[Finding]]
    floor: dict[str, list[Finding]]
    report: Report
    network: NetworkAnalysis | None = None
    design_wide: tuple[tuple[Finding, ...], tuple[Finding, ...]] = ((), ())


def _conclude(design: Design, df: DesignFacts, content: dict[str, list[Finding]],
              floor: dict[str, list[Finding]], moved_from: Analysis | None = None,
              moved: frozenset[str] = frozenset()) -> Analysis:
    """The design-wide findings (duplicate ids, networks, storage, site) and the totals, on top of
    the racks' own: the same assembly for a full validation and for ``revalidate``. ``moved_from``:
    the analysis before an edit that only moved the racks in ``moved`` (``_only_moved``) — its
    content-only parts are kept and only the moved racks' cables are typed again."""
    findings: list[Finding] = []
    for facts in df.racks:
        findings.extend(content[facts.id])
    for facts in df.racks:
        findings.extend(floor[facts.id])
    if moved_from is not None:
        duplicates, rest = moved_from.design_wide
        network = analyse_network(df, moved_from.network, moved)
        findings.extend(duplicates)
        findings.extend(network.findings)
        findings.extend(rest)
        ordered = sort_findings(findings)
        totals = replace(moved_from.report.totals, findings=_counts(ordered), **_links(network))
        return Analysis(design, df, content, floor, Report(ordered, totals), network, moved_from.design_wide)
    duplicates = tuple(layout_duplicates(df))
    findings.extend(duplicates)
    network = analyse_network(df)
    findings.extend(network.findings)
    storage = storage_summary(df)
    gpus = sum(f.gpus for f in df.racks)
    rest = storage_findings(df, storage, gpus)
    loads = site_loads(df, network, storage)
    rest += site_findings(df, loads)
    findings.extend(rest)
    ordered = sort_findings(findings)
    return Analysis(design, df, content, floor, Report(ordered, _totals(df, network, storage, loads, ordered)), network,
                    (duplicates, tuple(rest)))


def analyse(design: Design, catalog: Catalog) -> Analysis:
    """``validate``, keeping what ``revalidate`` needs. Linear in racks and devices."""
    df = design_facts(design, catalog)
    overlaps = overlaps_by_rack(df)
    content = {facts.id: rack_findings(facts, design) for facts in df.racks}
    floor = {facts.id: rack_layout_findings(facts, df, overlaps.get(facts.id, [])) for facts in df.racks}
    return _conclude(design, df, content, floor)


def _near(grid: TileGrid, fp, reach: int) -> set[str]:
    """Racks with a tile within ``reach`` tiles of the footprint ``fp`` (O((w + 2·reach)·(d + 2·reach)))."""
    found: set[str] = set()
    for x in range(fp.x - reach, fp.x + fp.w + reach):
        for y in range(fp.y - reach, fp.y + fp.d + reach):
            found.update(grid.racks_on((x, y)))
    return found


def _updated_grid(old: DesignFacts, racks: list[RackFacts],
                  changed: list[RackFacts]) -> tuple[TileGrid, list[tuple[str, str]]]:
    """The tile grid and overlaps of the new racks, as ``design_facts`` would build them.

    When the racks are the same ones in the same order and no changed footprint shares a tile with
    another rack (before or after), the old grid with those racks moved is exactly that (every
    tile they touch has one owner whatever the order of placing): O(their tiles). Otherwise the grid
    is rebuilt in design order: O(all tiles).
    """
    moved = [f for f in changed if f.footprint != old.by_id[f.id].footprint] if len(racks) == len(old.racks) else []
    if len(racks) == len(old.racks) and all(a.rack.id == b.rack.id for a, b in zip(racks, old.racks, strict=True)):
        if not moved:
            return old.grid, old.overlaps
        if not any(len(old.grid.racks_on(tile)) > 1 for f in moved for tile in old.by_id[f.id].footprint.tiles()):
            grid = old.grid.copy()
            for facts in moved:
                grid.remove(facts.id)
            if not any(grid.place(facts.id, facts.footprint) for facts in moved):
                return grid, old.overlaps
    grid = TileGrid()
    overlaps: list[tuple[str, str]] = []
    for facts in racks:
        overlaps.extend((facts.id, other) for other in grid.place(facts.id, facts.footprint))
    return grid, overlaps


def revalidate(previous: Analysis, design: Design, catalog: Catalog) -> Analysis:
    """The analysis of ``design``, an edit of ``previous.design``, equal to ``analyse(design, catalog)``
    (a property test holds it to that) but reusing what the edit cannot have changed.

    Racks equal to their previous selves keep their facts and content findings; floor findings are
    recomputed for the racks within an aisle's reach of a changed, added or removed rack (old and
    new place); the tile grid is the one ``design_facts`` would build (``_updated_grid``), so overlaps
    are reported as a full validation reports them (once per pair, by the later rack). When the edit
    only moved or turned racks (``_only_moved``) the network keeps its sizing and re-types the moved
    racks' cables, and storage, site and totals other than cables are kept; otherwise they are
    recomputed. A changed site, another catalog or duplicate rack ids take the full path.
    """
    old = previous.facts
    if (catalog is not old.catalog or design.site != previous.design.site or old.duplicate_ids
            or len({r.id for r in design.racks}) != len(design.racks)):
        return analyse(design, catalog)
    site = design.site
    resolve = old.resolve
    racks: list[RackFacts] = []
    by_id: dict[str, RackFacts] = {}
    content: dict[str, list[Finding]] = {}
    changed: list[RackFacts] = []
    for rack in design.racks:
        before = old.by_id.get(rack.id)
        if before is not None and (before.rack is rack or before.rack == rack):
            facts = before
            content[rack.id] = previous.content[rack.id]
        else:
            facts = rack_facts(rack, resolve, site.tile_mm)
            content[rack.id] = rack_findings(facts, design)
            changed.append(facts)
        racks.append(facts)
        by_id[rack.id] = facts
    grid, overlaps = _updated_grid(old, racks, changed)
    df = DesignFacts(design, catalog, racks, by_id, grid, overlaps, [], resolve)
    reach = max(math.ceil(COLD_AISLE_MIN_MM / site.tile_mm - 1e-9), math.ceil(HOT_AISLE_MIN_MM / site.tile_mm - 1e-9))
    affected = {f.id for f in changed}
    for facts in changed:
        affected |= _near(grid, facts.footprint, reach)
        before = old.by_id.get(facts.id)
        if before is not None:
            affected |= _near(grid, before.footprint, reach)
    for rack_id, before in old.by_id.items():
        if rack_id not in by_id:
            affected |= _near(grid, before.footprint, reach)
    by_later = overlaps_by_rack(df)
    before_later = overlaps_by_rack(old)
    floor: dict[str, list[Finding]] = {}
    for facts in racks:
        rack_id = facts.id
        if rack_id in affected or by_later.get(rack_id) != before_later.get(rack_id):
            floor[rack_id] = rack_layout_findings(facts, df, by_later.get(rack_id, []))
        else:
            floor[rack_id] = previous.floor[rack_id]
    if _only_moved(previous, design, racks, changed):
        return _conclude(design, df, content, floor, previous, frozenset(f.id for f in changed))
    return _conclude(design, df, content, floor)


def _same_contents(rack: RackPlacement, before: RackPlacement) -> bool:
    """The rack holds what it held: only its place (corner, rotation) may differ."""
    return replace(rack, x_tiles=before.x_tiles, y_tiles=before.y_tiles, rotation=before.rotation) == before


def _only_moved(previous: Analysis, design: Design, racks: list[RackFacts], changed: list[RackFacts]) -> bool:
    """The edit moved or turned racks and changed nothing else: the racks, in the same order, hold
    what they held, and the design apart from its racks (site, fabrics, storage, workloads,
    facility) is the same. Then everything but the floor findings and the cable typing is as before."""
    old = previous.facts
    return (previous.network is not None and len(racks) == len(old.racks)
            and replace(design, racks=()) == replace(previous.design, racks=())
            and all(a.rack.id == b.rack.id for a, b in zip(racks, old.racks, strict=True))
            and all(_same_contents(f.rack, old.by_id[f.id].rack) for f in changed))
