"""The validation engine: ``validate(design, catalog) -> Report`` (findings + totals).

Each rule is a small function in its module (power, cooling, space, weight, network, storage,
site) with its formula in its docstring. Everything is computed in one linear pass: rack facts
once per rack (``facts``), the floor plan on a tile grid (no pairwise rack loops), fabrics from
counts. For an editor drag, ``validate_rack`` recomputes one rack's findings in O(its devices
+ its tiles) against a ``TileGrid`` the caller may keep between drags (``floor_grid``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog
from ..design import Design
from ..layout import TileGrid
from ..totals import Totals
from ..units import w_to_kw
from .cooling import rack_cooling_findings
from .facts import DesignFacts, RackFacts, _Resolver, design_facts, rack_facts
from .finding import ERROR, INFO, SEVERITIES, WARNING, Finding
from .network import FabricSize, NetworkAnalysis, analyse_network, size_fabric
from .power import rack_power_findings
from .site import SiteLoads, site_findings
from .space import layout_findings, layout_findings_for, rack_space_findings
from .storage import StorageSummary, storage_findings, storage_summary
from .weight import rack_weight_findings

__all__ = [
    "ERROR", "INFO", "SEVERITIES", "WARNING", "FabricSize", "Finding", "Report", "Totals", "floor_grid", "rack_findings",
    "size_fabric", "validate", "validate_rack",
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


def _totals(df: DesignFacts, network: NetworkAnalysis, storage: StorageSummary, loads: SiteLoads,
            findings: tuple[Finding, ...]) -> Totals:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
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
        cables=dict(sorted(network.cables.items())),
        transceivers=dict(sorted(network.transceivers.items())),
        storage={"appliances": storage.appliances, "read_gb_s": round(storage.read_gb_s, 3),
                 "write_gb_s": round(storage.write_gb_s, 3), "capacity_tb": round(storage.capacity_tb, 3)},
        findings=counts,
    )


def validate(design: Design, catalog: Catalog) -> Report:
    """All findings (errors first) and the totals of a design. Linear in racks and devices."""
    df = design_facts(design, catalog)
    findings: list[Finding] = []
    for facts in df.racks:
        findings.extend(rack_findings(facts, design))
    findings.extend(layout_findings(df))
    network = analyse_network(df)
    findings.extend(network.findings)
    storage = storage_summary(df)
    gpus = sum(f.gpus for f in df.racks)
    findings.extend(storage_findings(df, storage, gpus))
    loads = site_loads(df, network, storage)
    findings.extend(site_findings(df, loads))
    ordered = sort_findings(findings)
    return Report(ordered, _totals(df, network, storage, loads, ordered))


def floor_grid(design: Design, catalog: Catalog) -> TileGrid:
    """The tile grid of a design's racks, to keep between drags (``grid.remove``/``grid.place``)."""
    return design_facts(design, catalog).grid


def validate_rack(design: Design, catalog: Catalog, rack_id: str, grid: TileGrid | None = None) -> list[Finding]:
    """The findings of one rack only (power, cooling, space, weight, floor load, bounds, overlap,
    aisle clearance), sorted. With ``grid`` (from ``floor_grid``, with the rack already moved in it)
    this is O(the rack's devices + tiles); without, the grid is rebuilt in O(racks).

    Site-wide findings (site power, cooling, fabrics, storage) do not change when a rack moves;
    they change when its contents change, and then ``validate`` is the call to make.
    """
    rack = design.rack(rack_id)
    resolve = _Resolver(catalog)
    facts = rack_facts(rack, resolve, design.site.tile_mm)
    if grid is None:
        grid = design_facts(design, catalog).grid
    else:  # bring the kept grid up to date with where this rack now stands
        try:
            current = grid.footprint(rack_id)
        except KeyError:
            current = None
        if current != facts.footprint:
            grid.remove(rack_id)
            grid.place(rack_id, facts.footprint)
    df_view = DesignFacts(design, catalog, [facts], {rack_id: facts}, grid, [], [], resolve)
    return list(sort_findings(rack_findings(facts, design) + layout_findings_for(facts, df_view)))
