"""The numbers the rules share, computed once per rack in one linear pass over the design.

``RackFacts`` holds one rack's resolved catalog items and its sums (power, heat, weight, ports,
footprint); ``DesignFacts`` holds all racks, the tile grid and the design-wide counts. Every rule
reads these; none looks a catalog number up twice. Unknown or misplaced catalog items (a design
built in code, or a catalog that changed since the design was saved) become findings instead of
exceptions, so that validation never raises on a design it was given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..catalog import Catalog, FacilityCooling, Item, Pdu, Rack, RackCooling, Storage, Switch, System
from ..design import Design, DevicePlacement, PduPlacement, RackPlacement
from ..layout import FALLBACK_RACK_DIMS, RACK_SCALE_DIMS_MM, Footprint, TileGrid
from .finding import ERROR, Finding

# When a rack model cannot be resolved we still draw it, and a rack-scale system without
# dimensions in the catalog: the one definition is in ``layout`` (the editor places racks by it).
FALLBACK_RACK_U, FALLBACK_RACK_WIDTH_MM, FALLBACK_RACK_DEPTH_MM = FALLBACK_RACK_DIMS
RACK_SCALE_WIDTH_MM, RACK_SCALE_DEPTH_MM = RACK_SCALE_DIMS_MM


def _device_power(item: Item) -> tuple[float, float]:
    """(max, typical) electrical power in W of a device in a rack."""
    if isinstance(item, (System, Switch, Storage)):
        return float(item.power_max_w), float(item.power_typical_w or item.power_max_w)
    if isinstance(item, FacilityCooling):
        return float(item.power_w), float(item.power_w)
    return 0.0, 0.0


def liquid_share(system: System) -> float:
    """Share of a system's heat that goes to liquid: its ``liquid_heat_fraction``; a system marked
    liquid-cooled with no fraction given sends all of it (1.0); air-cooled sends none."""
    if system.cooling == "air":
        return 0.0
    if system.liquid_heat_fraction > 0:
        return float(system.liquid_heat_fraction)
    return 1.0 if system.cooling == "liquid" else 0.0


@dataclass(slots=True)
class RackFacts:
    """One rack's resolved items and sums. Power in W, heat in W, weight in kg."""

    rack: RackPlacement
    cabinet: Rack | None = None
    rack_system: System | None = None  # the rack-scale system when the rack model is one
    cooling: RackCooling | None = None
    pdus: list[tuple[PduPlacement, Pdu]] = field(default_factory=list)
    devices: list[tuple[DevicePlacement, Item]] = field(default_factory=list)
    footprint: Footprint | None = None
    u_height: int = FALLBACK_RACK_U
    width_mm: float = FALLBACK_RACK_WIDTH_MM
    depth_mm: float = FALLBACK_RACK_DEPTH_MM
    power_max_w: float = 0.0
    power_typical_w: float = 0.0
    heat_air_w: float = 0.0  # device heat that leaves into the air at the rack
    heat_liquid_w: float = 0.0  # device heat carried away by liquid (cold plates)
    weight_kg: float = 0.0  # everything: cabinet (or rack-scale system), devices, PDUs, cooling
    load_kg: float = 0.0  # what the cabinet carries: devices, PDUs, cooling add-ons
    gpus: int = 0
    systems: int = 0
    compute_ports: int = 0
    storage_ports: int = 0
    inband_ports: int = 0
    oob_ports: int = 0
    switches: Counter = field(default_factory=Counter)  # switch slug -> count placed here
    storage: Counter = field(default_factory=Counter)  # storage slug -> count placed here
    cdu_kw: float = 0.0  # in-rack CDU capacity
    problems: list[Finding] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.rack.id

    @property
    def is_rack_scale(self) -> bool:
        return self.rack_system is not None

    @property
    def pdu_capacity_w(self) -> float:
        return sum(p.usable_power_w for _, p in self.pdus)

    def feed_capacity_w(self, feed: str) -> float:
        return sum(p.usable_power_w for placement, p in self.pdus if placement.feed == feed)

    @property
    def feeds(self) -> set[str]:
        return {placement.feed for placement, _ in self.pdus}

    @property
    def height_m(self) -> float:
        return self.u_height * 44.45 / 1000.0


class _Resolver:
    """Catalog lookups with a per-validation cache (a design names the same few slugs many times)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._cache: dict[str, Item | None] = {}

    def __call__(self, slug: str) -> Item | None:
        try:
            return self._cache[slug]
        except KeyError:
            item = self.catalog.get(slug) if slug in self.catalog else None
            self._cache[slug] = item
            return item


def _add_system(facts: RackFacts, system: System, *, as_rack: bool) -> None:
    pmax, ptyp = _device_power(system)
    facts.power_max_w += pmax
    facts.power_typical_w += ptyp
    share = liquid_share(system)
    facts.heat_liquid_w += pmax * share
    facts.heat_air_w += pmax * (1.0 - share)
    facts.weight_kg += system.weight_kg
    if not as_rack:
        facts.load_kg += system.weight_kg
    facts.gpus += system.accelerators
    facts.systems += 1
    facts.compute_ports += system.compute_ports
    facts.storage_ports += system.storage_ports
    facts.inband_ports += system.inband_ports
    facts.oob_ports += system.oob_ports


def rack_facts(rack: RackPlacement, resolve: _Resolver, tile_mm: int) -> RackFacts:
    """Resolve one rack and sum it: O(devices + PDUs)."""
    facts = RackFacts(rack=rack)
    model = resolve(rack.model)
    if isinstance(model, Rack):
        facts.cabinet = model
        facts.u_height, facts.width_mm, facts.depth_mm = model.u_height, model.width_mm, model.depth_mm
        facts.weight_kg += model.weight_kg
    elif isinstance(model, System) and model.is_rack_scale:
        facts.rack_system = model
        facts.u_height = model.rack_u or model.u_height or FALLBACK_RACK_U
        facts.width_mm = model.width_mm or RACK_SCALE_WIDTH_MM
        facts.depth_mm = model.depth_mm or RACK_SCALE_DEPTH_MM
        _add_system(facts, model, as_rack=True)
    else:
        what = f"a {model.kind}" if model is not None else "not in the catalog"
        facts.problems.append(Finding(ERROR, "rack.model.invalid", rack.id,
                                      f"{rack.id}: rack model '{rack.model}' is {what}; expected a rack cabinet "
                                      "or a rack-scale system (drawn as a 42 U 600 × 1200 mm cabinet)"))
    cooling = resolve(rack.cooling)
    if isinstance(cooling, RackCooling):
        facts.cooling = cooling
        facts.power_max_w += cooling.power_w
        facts.power_typical_w += cooling.power_w
        facts.weight_kg += cooling.weight_kg
        facts.load_kg += cooling.weight_kg
    else:
        facts.problems.append(Finding(ERROR, "rack.cooling.invalid", rack.id,
                                      f"{rack.id}: cooling '{rack.cooling}' is not a rack cooling method "
                                      "in the catalog"))
    for placement in rack.pdus:
        pdu = resolve(placement.model)
        if isinstance(pdu, Pdu):
            facts.pdus.append((placement, pdu))
            facts.weight_kg += pdu.weight_kg
            facts.load_kg += pdu.weight_kg
            facts.oob_ports += 1  # metered PDUs sit on the out-of-band network (hardware.md §3.1)
        else:
            facts.problems.append(Finding(ERROR, "rack.power.invalid_pdu", rack.id,
                                          f"{rack.id}: PDU '{placement.model}' is not a rack PDU in the catalog"))
    for placement in rack.devices:
        item = resolve(placement.model)
        if isinstance(item, System) and not item.is_rack_scale:
            _add_system(facts, item, as_rack=False)
        elif isinstance(item, (Switch, Storage)) or (isinstance(item, FacilityCooling) and item.u_height > 0):
            pmax, ptyp = _device_power(item)
            facts.power_max_w += pmax
            facts.power_typical_w += ptyp
            facts.heat_air_w += pmax
            facts.weight_kg += item.weight_kg
            facts.load_kg += item.weight_kg
            if isinstance(item, Switch):
                facts.switches[item.slug] += 1
            elif isinstance(item, Storage):
                facts.storage[item.slug] += 1
            elif item.equipment == "cdu":
                facts.cdu_kw += item.capacity_kw
        else:
            what = f"a {item.kind}" if item is not None else "not in the catalog"
            facts.problems.append(Finding(ERROR, "rack.device.invalid", rack.id,
                                          f"{rack.id}: device '{placement.model}' at U{placement.u} is {what}, "
                                          "not a device that goes in a rack"))
            continue
        facts.devices.append((placement, item))
    facts.footprint = Footprint.of(rack.x_tiles, rack.y_tiles, facts.width_mm, facts.depth_mm, rack.rotation,
                                   tile_mm)
    return facts


@dataclass
class DesignFacts:
    design: Design
    catalog: Catalog
    racks: list[RackFacts]
    by_id: dict[str, RackFacts]
    grid: TileGrid
    overlaps: list[tuple[str, str]]  # (rack placed later, rack it lands on)
    duplicate_ids: list[str]
    resolve: _Resolver

    def placed_switches(self) -> Counter:
        total: Counter = Counter()
        for f in self.racks:
            if f.switches:  # most racks hold none: skip the update
                total.update(f.switches)
        return total

    def placed_storage(self) -> Counter:
        total: Counter = Counter()
        for f in self.racks:
            if f.storage:
                total.update(f.storage)
        return total


def design_facts(design: Design, catalog: Catalog) -> DesignFacts:
    """Resolve every rack once and put it on the tile grid: O(racks + devices + tiles)."""
    resolve = _Resolver(catalog)
    tile_mm = design.site.tile_mm
    grid = TileGrid()
    racks: list[RackFacts] = []
    by_id: dict[str, RackFacts] = {}
    overlaps: list[tuple[str, str]] = []
    duplicates: list[str] = []
    for rack in design.racks:
        facts = rack_facts(rack, resolve, tile_mm)
        if rack.id in by_id:
            duplicates.append(rack.id)
            continue
        racks.append(facts)
        by_id[rack.id] = facts
        for other in grid.place(rack.id, facts.footprint):
            overlaps.append((rack.id, other))
    return DesignFacts(design, catalog, racks, by_id, grid, overlaps, duplicates, resolve)
