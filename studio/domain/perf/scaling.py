"""The scaling path of one system type: grow a cluster one scalable unit (SU) at a time.

A design's own path (its rack types, its network and storage, validation's power basis) is
``design_scaling.design_scaling_path``; this one answers "what if" for a system the design may not
hold (``smallest_build``). Walls use maximum power (the planning basis of ``validate``); energy
cost uses typical power; capital counts the network once (inside the infrastructure overhead).

At each step: throughput (tokens/s) or time to train, IT and facility power, heat to liquid and
to air, racks and floor area, fabric switches per tier, capital and running cost. *Walls* are the
steps where something changes class or runs out: ``new fabric tier``, ``site power exhausted``,
``site cooling exhausted`` (liquid or air), ``floor space exhausted``. The first binding wall is
named. ``smallest_build`` answers the inverse question (fewest SUs reaching a target).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from studio.domain.catalog import Catalog, Switch
from studio.domain.design import Fabric, Site, Workload
from studio.domain.fabric import FabricError, leaf_ports, radix, size_system_fabric

from . import calibration as cal
from .cases import hardware_for, run_inference, run_training
from .cost import CostInputs, system_price_usd, usd_per_hour, usd_per_million_tokens
from .energy import facility_power_w, it_power_w
from .errors import EstimateError

Progress = Callable[[int, int, str], None]

#: Rack power budget for air/RDHx server racks when no design gives one: 4 × DGX H100 = 40.8 kW per
#: SuperPOD rack [V: DGX SuperPOD H100 RA]; servers per rack = min(budget / power_max, 40 U / height).
#: With a design, the budget is its own compute racks' (``design_scaling.rack_power_budget_w``).
SERVER_RACK_POWER_W = 45_000
SERVER_RACK_USABLE_U = 40
#: Floor area per rack including its share of hot and cold aisle (0.6 m × (1.2 m + 1.2 m)) and
#: ×1.7 for network racks, CDUs and circulation [M].
FLOOR_M2_PER_RACK = 2.5
#: Systems per SU when no fabric is given: 32 servers (SuperPOD H100/B200) or 8 NVL72 racks
#: (SuperPOD GB200) [V: DGX SuperPOD RAs].
DEFAULT_SU_SERVERS = 32
DEFAULT_SU_RACK_SCALE = 8
# the job's global batch cannot be split over more GPUs (data parallelism runs out of sequences)
WORKLOAD_WALL = "workload cannot use more GPUs"
WALLS = ("new fabric tier", "site power exhausted", "site cooling exhausted", "floor space exhausted", WORKLOAD_WALL)


@dataclass(frozen=True)
class ScalingStep:
    sus: int
    systems: int
    gpus: int
    tokens_per_s: float
    time_to_train_s: float | None
    it_power_kw: float
    facility_power_kw: float
    liquid_heat_kw: float
    air_heat_kw: float
    racks: int
    floor_m2: float
    leaf: int
    spine: int
    core: int
    fabric_tiers: int
    capex_usd: float
    usd_per_hour: float
    usd_per_million_tokens: float | None
    walls: tuple[str, ...] = ()
    it_power_typical_kw: float = 0.0  # shown beside the maximum; energy cost uses it
    compute_racks: int = 0  # the design's compute racks in this step (design scaling path)


@dataclass(frozen=True)
class ScalingPath:
    system: str
    workload: Workload | None
    su_systems: int
    steps: tuple[ScalingStep, ...]
    first_wall: str | None
    first_wall_step: int | None  # index into steps of the first step past the wall
    walls: tuple[tuple[str, int], ...]


def su_size(system, switch: Switch | None, fabric: Fabric | None) -> int:
    """Systems per SU: a rail-optimized leaf's down ports (QM9700 for 8 × 400G → 32), or the
    SuperPOD default."""
    if system.is_rack_scale:
        return DEFAULT_SU_RACK_SCALE
    if switch is not None:
        down, _ = leaf_ports(radix(switch, system.compute_port_gbps), fabric.oversubscription if fabric else 1.0)
        return max(1, down)
    return DEFAULT_SU_SERVERS


def systems_per_rack(system, rack_power_w: float | None = None) -> int:
    """Systems in one rack: 1 for a rack-scale system, else min(budget ÷ max power, 40 U ÷ height).
    DGX H100 (10.2 kW, 8U) in a 45 kW rack → min(4, 5) = 4; in a 69 kW two-PDU rack → min(6, 5) = 5."""
    if system.is_rack_scale:
        return 1
    by_power = int((rack_power_w or SERVER_RACK_POWER_W) // max(system.power_max_w, 1))
    by_space = int(SERVER_RACK_USABLE_U // max(system.u_height, 1))
    return max(1, min(by_power, by_space))


def scaling_path(system_slug: str, workload: Workload, catalog: Catalog, site: Site | None = None,
                 fabric: Fabric | None = None, max_gpus: int | None = None, su_systems: int | None = None,
                 stop_at_first_wall: bool = False, target_tokens_per_s: float | None = None,
                 target_time_to_train_s: float | None = None, progress: Progress | None = None,
                 calibration: cal.CalibrationData | None = None, rack_power_w: float | None = None) -> ScalingPath:
    """Sweep SU by SU from one SU to ``max_gpus`` (or to the site's first exhausted limit ×1.5
    when a site is given, so the chart shows what lies beyond it). ``rack_power_w``: the power one
    rack may draw (a design's own racks), else ``SERVER_RACK_POWER_W``."""
    hw = hardware_for(catalog, system_slug)
    system = hw.system
    switch = catalog.get(fabric.model, Switch) if fabric else None
    per_su = su_systems or su_size(system, switch, fabric)
    inputs = CostInputs(electricity_usd_per_kwh=site.electricity_usd_per_kwh, pue=site.pue) if site else CostInputs()
    if max_gpus is None:
        if site and site.it_power_kw:
            max_gpus = int(1.5 * site.it_power_kw * 1000 / system.power_max_w) * system.accelerators
        else:
            raise EstimateError("give max_gpus or a site with an IT power limit")
    total_sus = max(1, math.ceil(max_gpus / (per_su * system.accelerators)))
    wl = {k: v for k, v in vars(workload).items() if v is not None}
    per_rack = systems_per_rack(system, rack_power_w)
    price = system_price_usd(system, hw.family, inputs)
    steps: list[ScalingStep] = []
    walls: list[tuple[str, int]] = []
    seen: set[str] = set()
    per_gpu_inference = None
    for n in range(1, total_sus + 1):
        systems = n * per_su
        gpus = systems * system.accelerators
        ttt = None
        if workload.kind == "inference":
            if per_gpu_inference is None:  # replicas scale linearly: estimate one SU, then multiply
                est = run_inference(wl, hw, gpus, catalog, inputs, calibration)
                per_gpu_inference = est.output_tokens_per_s / gpus
            tokens = per_gpu_inference * gpus
        elif workload.kind == "training":
            try:
                est = run_training(wl, hw, gpus, catalog, inputs, calibration)
            except EstimateError:
                if not steps:
                    raise
                # the global batch cannot be split over more GPUs: the workload, not the site, stops here
                walls.append((WORKLOAD_WALL, n - 2))
                break
            tokens, ttt = est.tokens_per_s, est.time_to_train_s
        else:
            tokens = 0.0
        it_typ_w = it_power_w(system, gpus)
        try:
            fab = size_system_fabric(system, systems, switch, fabric.topology, fabric.oversubscription) \
                if switch else None
        except FabricError as exc:
            raise EstimateError(str(exc)) from None
        it_w = systems * system.power_max_w + (fab.switches * switch.power_max_w if fab else 0)
        racks = math.ceil(systems / per_rack)
        liquid = it_w * system.liquid_heat_fraction / 1000
        hourly = usd_per_hour(systems, price, it_typ_w, inputs)
        step_walls = []
        if fab and steps and fab.tiers > steps[-1].fabric_tiers:
            step_walls.append("new fabric tier")
        if site:
            if site.it_power_kw and it_w / 1000 > site.it_power_kw or (
                    site.facility_power_kw and facility_power_w(it_w, site.pue) / 1000 > site.facility_power_kw):
                step_walls.append("site power exhausted")
            if liquid > site.cooling.liquid_kw or it_w / 1000 - liquid > site.cooling.air_kw:
                step_walls.append("site cooling exhausted")
            if racks * FLOOR_M2_PER_RACK > site.width_m * site.depth_m:
                step_walls.append("floor space exhausted")
        new = [w for w in step_walls if w not in seen or w == "new fabric tier"]
        for w in new:
            walls.append((w, n - 1))
            seen.add(w)
        steps.append(ScalingStep(
            sus=n, systems=systems, gpus=gpus, tokens_per_s=tokens, time_to_train_s=ttt,
            it_power_kw=it_w / 1000, facility_power_kw=facility_power_w(it_w, inputs.pue) / 1000,
            liquid_heat_kw=liquid, air_heat_kw=it_w / 1000 - liquid, racks=racks, floor_m2=racks * FLOOR_M2_PER_RACK,
            leaf=fab.leaf if fab else 0, spine=fab.spine if fab else 0, core=fab.core if fab else 0,
            fabric_tiers=fab.tiers if fab else 0,
            capex_usd=systems * price * (1 + inputs.infrastructure_overhead),
            usd_per_hour=hourly,
            usd_per_million_tokens=usd_per_million_tokens(hourly, tokens, inputs) if workload.kind == "inference" else None,
            walls=tuple(new), it_power_typical_kw=it_typ_w / 1000))
        if progress:
            progress(n, total_sus, f"{gpus} GPUs")
        if (stop_at_first_wall and any(w != "new fabric tier" for w in new)) or _met(
                steps[-1], target_tokens_per_s, target_time_to_train_s):
            break
    binding = [(w, i) for w, i in walls if w != "new fabric tier"]
    first = binding[0] if binding else (walls[0] if walls else (None, None))
    return ScalingPath(system.slug, workload, per_su, tuple(steps), first[0], first[1], tuple(walls))


def _met(step: ScalingStep, tokens: float | None, ttt: float | None) -> bool:
    if tokens is not None and step.tokens_per_s >= tokens:
        return True
    return ttt is not None and step.time_to_train_s is not None and step.time_to_train_s <= ttt


def smallest_build(system_slug: str, workload: Workload, catalog: Catalog, *, target_tokens_per_s: float | None = None,
                   target_time_to_train_s: float | None = None, max_gpus: int = 1_000_000, **kwargs) -> ScalingStep | None:
    """The fewest SUs whose estimate reaches the target tokens/s or time to train; None if even
    ``max_gpus`` does not."""
    if target_tokens_per_s is None and target_time_to_train_s is None:
        raise EstimateError("give target_tokens_per_s or target_time_to_train_s")
    path = scaling_path(system_slug, workload, catalog, max_gpus=max_gpus, target_tokens_per_s=target_tokens_per_s,
                        target_time_to_train_s=target_time_to_train_s, **kwargs)
    last = path.steps[-1]
    return last if _met(last, target_tokens_per_s, target_time_to_train_s) else None


__all__ = ["ScalingPath", "ScalingStep", "WALLS", "scaling_path", "smallest_build"]
