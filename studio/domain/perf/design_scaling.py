"""The scaling path of a design: grow it rack by rack with its own rack types, on validation's basis.

Used by the estimates page (``studio.estimating``) and ``manage.py scaling`` so that both show the
same numbers. A step holds the first ``n`` of the design's compute racks (racks with GPUs), taken in
the design's order and repeated past its end, plus the design's support (network racks, storage,
switches not yet placed) grown with it:

* **IT power** (maximum — the planning basis of ``validate``) = Σ the compute racks' maximum power
  + support(n). support(n) = network(n) + rest × g(n)/g₀, where network(n) = the design's switch
  power × (fabric switches at step n ÷ at the design's size) — the compute fabric re-sized by the one
  sizer (``studio.domain.fabric``), the other fabrics grown with the GPUs — and rest (storage,
  rack cooling of support racks, …) grows with the GPUs g. At the design's own size every ratio is 1,
  so that step draws exactly ``validate``'s ``it_kw_max``. Typical power is computed the same way and
  is used only for energy cost.
* **heat** to room air and to facility liquid splits as the site rule splits it (``rules.site_loads``);
  support heat grows with support power.
* **walls** are where ``validate`` would raise its site findings for the next step: ``site power
  exhausted`` (IT max > the site's IT power, or × PUE > its facility power), ``site cooling exhausted``
  (room-air or facility-liquid heat above the site's capacity), ``floor space exhausted`` (rack
  footprints with their aisle share above the hall's area), ``new fabric tier`` and ``fabric infeasible``
  (the compute fabric needs a tier more, or more than four).
* **capital** counts once: Σ system prices × (1 + infrastructure overhead) — the overhead is the
  network, storage and facility fit-out (``cost.INFRASTRUCTURE_OVERHEAD``), so switches are not
  priced a second time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

from studio.domain.catalog import Catalog, Switch, System
from studio.domain.design import Design, Workload
from studio.domain.fabric import FabricError, rails_of, size_fabric
from studio.domain.rules import validate
from studio.domain.rules.facts import RackFacts, design_facts
from studio.domain.totals import Totals

from . import calibration as cal
from .cases import hardware_for, run_inference, run_training
from .cost import HOURS_PER_YEAR, CostInputs, system_price_usd, usd_per_hour, usd_per_million_tokens
from .errors import EstimateError
from .scaling import WORKLOAD_WALL, ScalingPath, ScalingStep

Progress = Callable[[int, int, str], None]

#: Sweep to this many times the design's GPUs when the site sets no IT power limit.
GROWTH_IF_NO_SITE_LIMIT = 4
#: Past the site's IT power the sweep goes on to 1.5 × it, so the chart shows what lies beyond.
SWEEP_PAST_SITE_LIMIT = 1.5
#: About this many steps in a sweep (a step is a block of compute racks).
TARGET_STEPS = 40
#: Floor area of a rack with its share of the hot and cold aisles: footprint × 2 (a 1.2 m aisle on
#: each face of a 1.2 m deep rack, each aisle shared by two rows) [M: hardware.md §4 hot/cold aisle].
AISLE_FACTOR = 2.0
#: Hard stop of a sweep (GPUs), whatever the site allows.
MAX_SWEEP_GPUS = 1_000_000
WALL_POWER, WALL_COOLING, WALL_FLOOR = "site power exhausted", "site cooling exhausted", "floor space exhausted"
WALL_TIER, WALL_FABRIC = "new fabric tier", "fabric infeasible"


@dataclass(frozen=True)
class _Rack:
    """One compute rack's share of a step (W, m²)."""

    power_max_w: float
    power_typical_w: float
    air_w: float
    liquid_w: float
    area_m2: float
    gpus: int
    systems: tuple[System, ...]


def _rack(f: RackFacts) -> _Rack:
    captured = f.cooling is not None and f.cooling.to_liquid
    systems = tuple(item for _, item in f.devices if isinstance(item, System))
    if f.rack_system is not None:
        systems += (f.rack_system,)
    return _Rack(f.power_max_w, f.power_typical_w, 0.0 if captured else f.heat_air_w,
                 f.heat_liquid_w + (f.heat_air_w if captured else 0.0),
                 f.width_mm * f.depth_mm / 1e6 * AISLE_FACTOR, f.gpus, systems)


def rack_power_budget_w(design: Design, catalog: Catalog) -> float | None:
    """The power the design's compute racks may draw, as validation counts it: each rack's usable PDU
    power, on one feed when it has A and B (a feed alone must carry it); the smallest over the racks
    that hold GPUs. None when no such rack has PDUs (rack-scale systems bring their own shelves).
    Worked example: two pdu-415v-60a-3ph on A and two on B → one feed 2 × 34.5 = 69.0 kW."""
    budgets = []
    for f in design_facts(design, catalog).racks:
        if f.gpus > 0 and f.pdus:
            feeds = f.feeds
            budgets.append(min(f.feed_capacity_w(x) for x in ("A", "B")) if feeds >= {"A", "B"}
                           else f.pdu_capacity_w)
    return min(budgets) if budgets else None


def scaling_subject(design: Design, catalog: Catalog) -> tuple[str | None, Workload | None]:
    """The system type holding most of the design's GPUs, and its first inference or training workload."""
    gpus: dict[str, int] = {}
    df = design_facts(design, catalog)
    for f in df.racks:
        for system in _rack(f).systems:
            gpus[system.slug] = gpus.get(system.slug, 0) + system.accelerators
    system = max(sorted(gpus), key=lambda s: gpus[s]) if gpus else None
    workload = next((w for w in design.workloads if w.kind in ("inference", "training")), None)
    return system, workload


def design_scaling_path(design: Design, catalog: Catalog, workload: Workload | None = None,
                        system_slug: str | None = None, *, max_gpus: int | None = None, step_racks: int | None = None,
                        target_tokens_per_s: float | None = None, target_time_to_train_s: float | None = None,
                        progress: Progress | None = None, calibration: cal.CalibrationData | None = None
                        ) -> ScalingPath:
    """Step the design's compute racks from one block to past the site's limits (see the module).

    ``step_racks`` fixes the block (else about ``TARGET_STEPS`` steps); with a target the sweep stops
    at the first step that reaches it (``smallest build``). Sums grow step by step: O(racks swept).
    """
    df = design_facts(design, catalog)
    compute = [_rack(f) for f in df.racks if f.gpus > 0]
    if not compute:
        raise EstimateError("the design holds no GPUs to scale")
    base = _Support.of(df, validate(design, catalog).totals, compute, catalog)
    site = design.site
    inputs = CostInputs(electricity_usd_per_kwh=site.electricity_usd_per_kwh, pue=site.pue)
    own = len(compute)
    g0 = sum(r.gpus for r in compute)
    per_rack_gpus = g0 / own
    limit_gpus = max_gpus or (MAX_SWEEP_GPUS if site.it_power_kw else GROWTH_IF_NO_SITE_LIMIT * g0)
    limit_kw = SWEEP_PAST_SITE_LIMIT * site.it_power_kw if site.it_power_kw and not max_gpus else None
    per_rack_kw = (sum(r.power_max_w for r in compute) + base.max_w) / own / 1000
    racks_needed = math.ceil(limit_kw / max(per_rack_kw, 1e-9)) if limit_kw else math.ceil(limit_gpus / per_rack_gpus)
    racks_needed = max(own, min(racks_needed, math.ceil(MAX_SWEEP_GPUS / per_rack_gpus)))
    block = step_racks or max(1, math.ceil(racks_needed / TARGET_STEPS))
    counts = sorted(set(range(block, racks_needed + block, block)) | {own})
    perf = _Throughput(catalog, workload, system_slug, inputs, calibration)
    total = _Sum()
    steps: list[ScalingStep] = []
    walls: list[tuple[str, int]] = []
    seen: set[str] = set()
    for index, n in enumerate(counts):
        while total.racks < n:
            total.add(compute[total.racks % own], perf)
        gpus = total.gpus
        try:
            tokens, ttt = perf.at(total.subject_gpus)
        except EstimateError:
            walls.append((WORKLOAD_WALL, index - 1))
            break
        fab = base.compute_fabric(total.rails, total.endpoints, total.gbps)
        support = base.scaled(gpus, fab.switches if fab else 0)
        it_max = total.power_max_w + support.max_w
        it_typ = total.power_typical_w + support.typical_w
        air, liquid = total.air_w + support.air_w, total.liquid_w + support.liquid_w
        floor = total.area_m2 + base.area_m2 * gpus / g0
        new = [w for w in _walls(site, it_max, air, liquid, floor, fab, steps) if w not in seen or w == WALL_TIER]
        for w in new:
            walls.append((w, index))
            seen.add(w)
        price = total.price_usd * (1 + inputs.infrastructure_overhead)
        hourly = usd_per_hour(0, 0, it_typ, inputs) + price / (inputs.amortization_years * HOURS_PER_YEAR)
        steps.append(ScalingStep(
            sus=index + 1, systems=total.systems, gpus=gpus, tokens_per_s=tokens, time_to_train_s=ttt,
            it_power_kw=it_max / 1000, facility_power_kw=it_max * site.pue / 1000, liquid_heat_kw=liquid / 1000,
            air_heat_kw=air / 1000, racks=n + math.ceil(base.racks * gpus / g0 - 1e-9), floor_m2=floor,
            leaf=fab.leaf if fab else 0, spine=fab.spine if fab else 0, core=fab.core if fab else 0,
            fabric_tiers=fab.tiers if fab else 0, capex_usd=price, usd_per_hour=hourly,
            usd_per_million_tokens=usd_per_million_tokens(hourly, tokens, inputs) if tokens else None,
            walls=tuple(new), it_power_typical_kw=it_typ / 1000, compute_racks=n))
        if progress:
            progress(index + 1, len(counts), f"{gpus} GPUs")
        if (target_tokens_per_s is not None and tokens >= target_tokens_per_s) or (
                target_time_to_train_s is not None and ttt is not None and ttt <= target_time_to_train_s):
            break
    binding = [(w, i) for w, i in walls if w != WALL_TIER]
    first = binding[0] if binding else (walls[0] if walls else (None, None))
    per_step = sum(len(compute[i % own].systems) for i in range(block))
    return ScalingPath(system_slug or "design", workload, per_step, tuple(steps), first[0], first[1], tuple(walls))


class _Sum:
    """Running sums over the compute racks of a step (added one rack at a time)."""

    def __init__(self):
        self.racks = self.gpus = self.systems = self.endpoints = self.subject_gpus = 0
        self.rails = 1
        self.gbps = self.power_max_w = self.power_typical_w = self.air_w = self.liquid_w = 0.0
        self.area_m2 = self.price_usd = 0.0

    def add(self, rack: _Rack, perf: _Throughput) -> None:
        self.racks += 1
        self.gpus += rack.gpus
        self.power_max_w += rack.power_max_w
        self.power_typical_w += rack.power_typical_w
        self.air_w += rack.air_w
        self.liquid_w += rack.liquid_w
        self.area_m2 += rack.area_m2
        for system in rack.systems:
            self.systems += 1
            self.price_usd += perf.price(system)
            if perf.hw is not None and system.slug == perf.hw.system.slug:
                self.subject_gpus += system.accelerators
            if system.compute_ports > 0:
                self.endpoints += system.compute_ports
                self.rails = max(self.rails, rails_of(system))
                self.gbps = max(self.gbps, float(system.compute_port_gbps))


def _walls(site, it_max_w: float, air_w: float, liquid_w: float, floor_m2: float, fab, steps) -> list[str]:
    """The site findings ``validate`` would raise at this step, named as walls."""
    out = []
    if fab is not None:
        if steps and fab.tiers > steps[-1].fabric_tiers:
            out.append(WALL_TIER)
        if not fab.feasible:
            out.append(WALL_FABRIC)
    if (site.it_power_kw and it_max_w / 1000 > site.it_power_kw) or (
            site.facility_power_kw and it_max_w * site.pue / 1000 > site.facility_power_kw):
        out.append(WALL_POWER)
    cooling = site.cooling
    if cooling.air_kw > 0 or cooling.liquid_kw > 0:
        if air_w / 1000 > cooling.air_kw or liquid_w / 1000 > cooling.liquid_kw:
            out.append(WALL_COOLING)
    if floor_m2 > site.width_m * site.depth_m:
        out.append(WALL_FLOOR)
    return out


@dataclass(frozen=True)
class _Support:
    """What the design holds besides its compute racks, and how it grows (W, m²)."""

    max_w: float
    typical_w: float
    air_w: float
    liquid_w: float
    net_max_w: float
    net_typical_w: float
    switches: int  # fabric switches the design needs (every fabric, at its own size)
    compute_switches: int
    racks: int
    area_m2: float
    g0: int
    switch: Switch | None
    fabric: object

    @classmethod
    def of(cls, df, totals: Totals, compute: list[_Rack], catalog: Catalog) -> _Support:
        """Support = validate's totals less the compute racks. Network power = switches in support
        racks + the switches the fabrics need and no rack holds (validate counts them too)."""
        support_racks = [f for f in df.racks if f.gpus == 0]
        net_max = net_typ = 0.0
        for f in support_racks:
            for _, item in f.devices:
                if isinstance(item, Switch):
                    net_max += item.power_max_w
                    net_typ += item.power_typical_w or item.power_max_w
        sized = compute_sized = 0
        for role, counts in totals.switches.items():
            n = counts["leaf"] + counts["spine"] + counts["core"]
            sized += n
            compute_sized += n if role == "compute" else 0
            item = catalog.get(counts["model"]) if counts["model"] in catalog else None
            if isinstance(item, Switch):
                unplaced = max(0, n - counts["placed"])
                net_max += unplaced * item.power_max_w
                net_typ += unplaced * (item.power_typical_w or item.power_max_w)
        fabric = df.design.fabrics.get("compute")
        switch = catalog.get(fabric.model) if fabric is not None and fabric.model in catalog else None
        return cls(
            max_w=totals.it_kw_max * 1000 - sum(r.power_max_w for r in compute),
            typical_w=totals.it_kw_typical * 1000 - sum(r.power_typical_w for r in compute),
            air_w=totals.room_air_kw * 1000 - sum(r.air_w for r in compute),
            liquid_w=totals.facility_liquid_kw * 1000 - sum(r.liquid_w for r in compute),
            net_max_w=net_max, net_typical_w=net_typ, switches=sized, compute_switches=compute_sized,
            racks=len(support_racks), area_m2=sum(_rack(f).area_m2 for f in support_racks),
            g0=sum(r.gpus for r in compute), switch=switch if isinstance(switch, Switch) else None, fabric=fabric)

    def compute_fabric(self, rails: int, endpoints: int, gbps: float):
        """The compute fabric for these endpoints, sized as ``validate`` sizes it (``compute_endpoints``)."""
        if self.switch is None:
            return None
        try:
            return size_fabric(rails, math.ceil(endpoints / rails) if endpoints else 0, self.switch,
                               self.fabric.topology, self.fabric.oversubscription, gbps)
        except FabricError as exc:
            raise EstimateError(f"compute fabric: {exc}") from None

    def scaled(self, gpus: int, compute_switches: int) -> _Support:
        """The support of a step with ``gpus`` GPUs whose compute fabric needs ``compute_switches``."""
        grow = gpus / self.g0
        switches = compute_switches + (self.switches - self.compute_switches) * grow
        net = switches / self.switches if self.switches else grow
        max_w = self.net_max_w * net + (self.max_w - self.net_max_w) * grow
        typical_w = self.net_typical_w * net + (self.typical_w - self.net_typical_w) * grow
        heat = max_w / self.max_w if self.max_w > 0 else grow
        return _Support(max_w, typical_w, self.air_w * heat, self.liquid_w * heat, 0, 0, 0, 0, 0, 0, self.g0,
                        None, None)


class _Throughput:
    """Tokens/s (and time to train) of the workload on the subject system's GPUs in a step."""

    def __init__(self, catalog, workload, system_slug, inputs, calibration):
        self.catalog, self.workload, self.inputs, self.calibration = catalog, workload, inputs, calibration
        self.hw = hardware_for(catalog, system_slug) if workload and system_slug else None
        self.wl = {k: v for k, v in vars(workload).items() if v is not None} if workload else {}
        self.per_gpu: float | None = None
        self._prices: dict[str, float] = {}
        self.first = True

    def price(self, system: System) -> float:
        """The catalog's list price (or the quote in the cost inputs); 0 for a system without one."""
        if system.slug not in self._prices:
            try:
                self._prices[system.slug] = system_price_usd(system, inputs=self.inputs)
            except EstimateError:
                self._prices[system.slug] = 0.0
        return self._prices[system.slug]

    def at(self, gpus: int) -> tuple[float, float | None]:
        """Tokens/s and time to train of the workload on ``gpus`` GPUs of the subject system."""
        if self.hw is None or gpus <= 0:
            return 0.0, None
        first, self.first = self.first, False
        try:
            if self.workload.kind == "inference":
                if self.per_gpu is None:  # replicas scale linearly: estimate once, then multiply
                    est = run_inference(self.wl, self.hw, gpus, self.catalog, self.inputs, self.calibration)
                    self.per_gpu = est.output_tokens_per_s / gpus
                return self.per_gpu * gpus, None
            est = run_training(self.wl, self.hw, gpus, self.catalog, self.inputs, self.calibration)
            return est.tokens_per_s, est.time_to_train_s
        except EstimateError:
            if first:  # the workload does not run on this design at all: scale power and fabric only
                self.hw = None
                return 0.0, None
            raise


def path_dict(path: ScalingPath) -> dict:
    """The path as plain JSON: what the estimates page stores and renders."""
    return {"system": path.system,
            "workload": {k: v for k, v in vars(path.workload).items() if v is not None} if path.workload else None,
            "su_systems": path.su_systems, "steps": [asdict(s) for s in path.steps],
            "first_wall": path.first_wall, "first_wall_step": path.first_wall_step,
            "walls": [list(w) for w in path.walls]}


def contract_dict(path: ScalingPath) -> dict:
    """The ``manage.py scaling`` contract (ARCHITECTURE.md): ``{"steps": [{"gpus", "racks", "it_kw",
    "facility_kw", "leaf", "spine", "core", "capex_usd", "walls"}], "first_wall"}``; power in kW on the
    maximum basis, rounded to 0.001 kW, capital to the dollar."""
    return {"steps": [{"gpus": s.gpus, "racks": s.racks, "it_kw": round(s.it_power_kw, 3),
                       "facility_kw": round(s.facility_power_kw, 3), "leaf": s.leaf, "spine": s.spine,
                       "core": s.core, "capex_usd": round(s.capex_usd), "walls": list(s.walls)} for s in path.steps],
            "first_wall": path.first_wall}


def scale_design(design: Design, catalog: Catalog, progress: Progress | None = None,
                 calibration: cal.CalibrationData | None = None) -> ScalingPath:
    """The one scaling path of a design (page and command): its own subject, default sweep."""
    system, workload = scaling_subject(design, catalog)
    return design_scaling_path(design, catalog, workload, system, progress=progress, calibration=calibration)


__all__ = ["contract_dict", "design_scaling_path", "path_dict", "rack_power_budget_w", "scale_design",
           "scaling_subject"]
