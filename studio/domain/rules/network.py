"""Networks: fabric sizing from the switch radix, ports against NICs, cable reach on the floor.

A DGX SuperPOD has four fabrics (compute, storage, in-band, out-of-band; hardware.md §3.1). For
each fabric in the design this module sizes leaf/spine/core from the endpoint count
(``size_fabric``), compares the switches that sizing needs with the switches placed in racks,
and types every cable by its floor-plan length (``cable_media``).

``size_fabric`` is pure and self-contained on purpose: the performance estimator's fabric model
sizes the same way, and one of the two will later call the other.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..catalog import Storage, Switch, System, Transceiver
from ..layout import nearest_distances
from ..units import round_sig
from .facts import DesignFacts, RackFacts
from .finding import ERROR, INFO, WARNING, Finding

# Each GB200/GB300 compute tray has 4 ConnectX NICs, one per GPU (hardware.md §2.1): a rack-scale
# system is attached to a rail-optimized fabric as trays of 4 rails.
RACK_SCALE_RAILS = 4

# Cable reach by media when the catalog has no transceiver of that media (hardware.md §2.3, §5.6).
DEFAULT_REACH_M = {
    "dac": 3.0,  # passive copper: "DAC/ACC for ≤ 3–5 m", take the short end
    "multimode": 50.0,  # MMA4Z00-NS400 400G SR4 multimode: 50 m
    "singlemode": 500.0,  # 400GBASE-DR4 singlemode: 500 m (IEEE 802.3bs)
}
RJ45_REACH_M = 100.0  # 1000BASE-T over Cat6: 100 m (IEEE 802.3ab), used by the out-of-band network
CABLE_SLACK_M = 0.5  # service loop and routing at both ends [M]
OPTICS_PER_CABLE = 2  # one transceiver at each end of an optical link


# --- sizing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FabricSize:
    """A sized Clos fabric. ``tiers``: 0 (nothing to connect), 1 (one switch), 2 or 3."""

    endpoints: int
    tiers: int
    leaf: int
    spine: int
    core: int
    leaf_down_ports: int
    endpoint_cables: int
    leaf_spine_cables: int
    spine_core_cables: int
    feasible: bool = True
    max_endpoints: int = 0

    @property
    def switches(self) -> int:
        return self.leaf + self.spine + self.core

    @property
    def cables(self) -> int:
        return self.endpoint_cables + self.leaf_spine_cables + self.spine_core_cables

    def as_dict(self) -> dict:
        return {"leaf": self.leaf, "spine": self.spine, "core": self.core, "tiers": self.tiers,
                "endpoints": self.endpoints, "cables": self.cables, "feasible": self.feasible}


def size_fabric(endpoints_per_node: int, nodes: int, switch: Switch | int, topology: str = "rail-optimized",
                oversubscription: float = 1.0) -> FabricSize:
    """Leaf/spine/core counts of a folded-Clos fabric of switches of radix k (hardware.md §3.5).

    Each leaf splits its k ports into down = floor(k · o / (1 + o)) towards endpoints and the
    rest up (o = oversubscription, 1 → k/2 down and k/2 up).
    - Endpoints E = endpoints_per_node × nodes. E ≤ k: one switch, no spine.
    - Rail-optimized: one leaf per rail per scalable unit (SU), an SU being ``down`` nodes:
      leaves = rails × ceil(nodes / down). Fat tree: leaves = ceil(E / down).
    - Each leaf sends ceil(used down ports / o) links up; two tiers while leaves ≤ k:
      spines = ceil(Σ uplinks / k).
    - Beyond k leaves, three tiers (Al-Fares k-ary fat tree): pods of k/2 leaves, each pod
      ceil(pod uplinks / (k/2)) spines (aggregation), core = ceil(Σ pod uplinks / k); at most
      k pods, so E ≤ k · (k/2) · down = k³/4 at 1:1. Past that the fabric is infeasible.
    Worked examples (QM9700, k = 64, 1:1, rail-optimized, 8 rails): 32 DGX H100 → 8 leaves,
    256 uplinks → 4 spines; 128 DGX → 32 leaves, 1,024 uplinks → 16 spines (RA tables, §3.1–3.2).
    """
    k = switch.ports if isinstance(switch, Switch) else int(switch)
    o = max(1.0, float(oversubscription))
    down = min(k - 1, max(1, math.floor(k * o / (1.0 + o)))) if k > 1 else 1
    rails = max(1, int(endpoints_per_node))
    nodes = max(0, int(nodes))
    endpoints = rails * nodes
    max_endpoints = k * max(1, k // 2) * down
    if endpoints == 0:
        return FabricSize(0, 0, 0, 0, 0, down, 0, 0, 0, True, max_endpoints)
    if endpoints <= k:
        return FabricSize(endpoints, 1, 1, 0, 0, k, endpoints, 0, 0, True, max_endpoints)
    # down ports used on each leaf
    if topology == "rail-optimized" and rails > 1:
        sus, last = divmod(nodes, down)
        per_leaf = [down] * (rails * sus) + ([last] * rails if last else [])
    else:
        full, last = divmod(endpoints, down)
        per_leaf = [down] * full + ([last] if last else [])
    leaves = len(per_leaf)
    uplinks = [math.ceil(used / o) for used in per_leaf]
    total_up = sum(uplinks)
    if leaves <= k:
        spines = math.ceil(total_up / k)
        return FabricSize(endpoints, 2, leaves, spines, 0, down, endpoints, total_up, 0, True, max_endpoints)
    pod_leaves = max(1, k // 2)
    pods = math.ceil(leaves / pod_leaves)
    spines = 0
    core_links = 0
    for p in range(pods):
        pod_up = sum(uplinks[p * pod_leaves:(p + 1) * pod_leaves])
        spines += math.ceil(pod_up / pod_leaves)
        core_links += pod_up
    core = math.ceil(core_links / k)
    return FabricSize(endpoints, 3, leaves, spines, core, down, endpoints, total_up, core_links, pods <= k,
                      max_endpoints)


# --- cable media --------------------------------------------------------------------------


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


# --- the fabrics of a design -----------------------------------------------------------------


@dataclass
class FabricPlan:
    role: str
    model: str
    switch: Switch | None
    size: FabricSize
    placed: int = 0
    racks: list[str] = field(default_factory=list)  # racks holding this fabric's switches

    @property
    def unplaced(self) -> int:
        return max(0, self.size.switches - self.placed)


@dataclass
class NetworkAnalysis:
    findings: list[Finding] = field(default_factory=list)
    fabrics: dict[str, FabricPlan] = field(default_factory=dict)
    cables: Counter = field(default_factory=Counter)
    transceivers: Counter = field(default_factory=Counter)
    unplaced_power_max_w: float = 0.0
    unplaced_power_typical_w: float = 0.0


def _rails_and_nodes(facts_list: list[RackFacts]) -> tuple[int, int, int]:
    """(rails, nodes, endpoints) of the compute fabric: servers attach with one rail per compute
    port, rack-scale systems as trays of ``RACK_SCALE_RAILS``."""
    rails = 0
    endpoints = 0
    for f in facts_list:
        items = [item for _, item in f.devices if isinstance(item, System)]
        if f.rack_system is not None:
            items.append(f.rack_system)
        for system in items:
            if system.compute_ports <= 0:
                continue
            endpoints += system.compute_ports
            r = min(system.compute_ports, RACK_SCALE_RAILS) if system.is_rack_scale else system.compute_ports
            rails = max(rails, r)
    rails = max(1, rails)
    return rails, math.ceil(endpoints / rails) if endpoints else 0, endpoints


def _endpoints_by_rack(df: DesignFacts, role: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in df.racks:
        if role == "compute":
            n = f.compute_ports
        elif role == "storage":
            n = f.storage_ports + sum(df.resolve(slug).ports * c for slug, c in f.storage.items())
        elif role == "inband":
            n = f.inband_ports
        else:
            n = f.oob_ports + sum(f.switches.values()) + sum(f.storage.values())
        if n:
            out[f.id] = n
    return out


def analyse_network(df: DesignFacts) -> NetworkAnalysis:
    """Size each fabric, compare with placed switches, type the cables. O(racks + hall tiles)."""
    design = df.design
    result = NetworkAnalysis()
    placed_pool = df.placed_switches()
    # storage appliances listed but not placed in a rack still need ports
    placed_storage = df.placed_storage()
    unplaced_storage: list[tuple[Storage, int]] = []
    for entry in design.storage:
        item = df.resolve(entry.model)
        if isinstance(item, Storage) and entry.count > placed_storage[entry.model]:
            unplaced_storage.append((item, entry.count - placed_storage[entry.model]))

    rails, nodes, compute_endpoints = _rails_and_nodes(df.racks)
    endpoints_by_role = {role: _endpoints_by_rack(df, role) for role in ("compute", "storage", "inband", "oob")}
    extra_endpoints = {
        "storage": sum(s.ports * n for s, n in unplaced_storage),
        "oob": sum(n for _, n in unplaced_storage),
    }
    # fabric.missing: systems to connect and no compute fabric
    if "compute" not in design.fabrics and compute_endpoints and nodes > 1 and \
            sum(f.systems for f in df.racks) > 1:
        result.findings.append(Finding(WARNING, "fabric.missing", "fabric:compute",
                                       f"fabric:compute: {compute_endpoints} compute ports on "
                                       f"{sum(f.systems for f in df.racks)} systems and no compute fabric",
                                       compute_endpoints, 0, "ports"))
    for role in ("compute", "storage", "inband", "oob"):
        fabric = design.fabrics.get(role)
        if fabric is None:
            continue
        switch = df.resolve(fabric.model)
        subject = f"fabric:{role}"
        if not isinstance(switch, Switch):
            result.findings.append(Finding(ERROR, "fabric.model.invalid", subject,
                                           f"{subject}: '{fabric.model}' is not a switch in the catalog"))
            continue
        if role == "compute":
            size = size_fabric(rails, nodes, switch, fabric.topology, fabric.oversubscription)
        else:
            endpoints = sum(endpoints_by_role[role].values()) + extra_endpoints.get(role, 0)
            if role == "oob":  # the management ports of switches the design needs but has not placed
                endpoints += sum(p.unplaced for p in result.fabrics.values())
            size = size_fabric(1, endpoints, switch, fabric.topology, fabric.oversubscription)
        # later roles that use the same model take what earlier roles leave
        later_same = any(design.fabrics.get(r) is not None and design.fabrics[r].model == fabric.model
                         for r in ("compute", "storage", "inband", "oob")[("compute", "storage", "inband",
                                                                             "oob").index(role) + 1:])
        available = placed_pool[fabric.model]
        placed = min(available, size.switches) if later_same else available
        placed_pool[fabric.model] -= placed
        plan = FabricPlan(role, fabric.model, switch, size, placed,
                          [f.id for f in df.racks if f.switches.get(fabric.model)])
        result.fabrics[role] = plan
        result.findings.extend(_fabric_findings(plan, fabric.oversubscription, df))
        result.unplaced_power_max_w += plan.unplaced * switch.power_max_w
        result.unplaced_power_typical_w += plan.unplaced * switch.power_typical_w
        _type_cables(result, plan, endpoints_by_role[role], extra_endpoints.get(role, 0), df,
                     media_reach(df.catalog, switch.port_speed_gbps))
    return result


def _fabric_findings(plan: FabricPlan, oversubscription: float, df: DesignFacts) -> list[Finding]:
    """``fabric.ports.insufficient``: the fabric cannot connect its endpoints.

    Either the sizing is infeasible (more endpoints than three tiers of radix k carry, k³/4 at
    1:1), or switches of the fabric's model are placed in racks but fewer than the sizing needs:
    ports needed = (leaf + spine + core) × k > ports placed = placed switches × k.
    No switch placed at all → ``fabric.switches.unplaced`` (info: counted, not drawn).
    Worked example: 32 DGX H100 (256 NDR ports) on quantum-2-ndr need 8 leaf + 4 spine
    = 12 × 64 = 768 ports; with 8 switches placed (512 ports) → error.
    """
    size, switch, subject = plan.size, plan.switch, f"fabric:{plan.role}"
    k = switch.ports
    out: list[Finding] = []
    if not size.feasible:
        out.append(Finding(ERROR, "fabric.ports.insufficient", subject,
                           f"{subject}: {size.endpoints} endpoint ports exceed what three tiers of {plan.model} "
                           f"(k = {k}) connect at {oversubscription:g}:1", size.endpoints, size.max_endpoints,
                           "ports"))
        return out
    if size.switches == 0:
        return out
    need = size.switches * k
    tiers = f"{size.leaf} leaf" + (f" + {size.spine} spine" if size.spine else "") + \
        (f" + {size.core} core" if size.core else "")
    if plan.placed == 0:
        out.append(Finding(INFO, "fabric.switches.unplaced", subject,
                           f"{subject}: {size.endpoints} ports need {tiers} {plan.model}; none is placed in a rack, "
                           "so their power is counted for the site but not in any rack", size.switches, 0,
                           "switches"))
    elif plan.placed < size.switches:
        out.append(Finding(ERROR, "fabric.ports.insufficient", subject,
                           f"{subject}: {size.endpoints} endpoint ports need {tiers} {plan.model} ({need} switch "
                           f"ports); only {plan.placed} are placed ({plan.placed * k} ports)", need,
                           plan.placed * k, "ports"))
    nic_gbps = 0.0
    if plan.role == "compute":
        for f in df.racks:
            for _, item in f.devices:
                if isinstance(item, System):
                    nic_gbps = max(nic_gbps, item.compute_port_gbps)
            if f.rack_system is not None:
                nic_gbps = max(nic_gbps, f.rack_system.compute_port_gbps)
    if nic_gbps > switch.port_speed_gbps:
        out.append(Finding(WARNING, "fabric.speed.mismatch", subject,
                           f"{subject}: systems have {nic_gbps:g} Gb/s compute ports but {plan.model} ports run at "
                           f"{switch.port_speed_gbps:g} Gb/s", nic_gbps, switch.port_speed_gbps, "Gb/s"))
    return out


def _type_cables(result: NetworkAnalysis, plan: FabricPlan, endpoints: dict[str, int], unplaced_endpoints: int,
                 df: DesignFacts, reach: dict[str, float]) -> None:
    """``network.cable_reach``: type each endpoint cable by its length to the nearest rack holding
    this fabric's switches (``cable_length_m``): DAC ≤ 3 m, else multimode, else singlemode; longer
    than any media reaches → error. Out-of-band links are RJ45 copper (≤ 100 m).
    Switch-to-switch links run between the fabric's switch racks (their bounding box).
    """
    site = df.design.site
    subject = f"fabric:{plan.role}"
    size = plan.size
    oob = plan.role == "oob"
    if not plan.racks:
        if size.cables:
            result.cables["unplaced"] += size.cables
        return
    sources = [_centre(df.by_id[r]) for r in plan.racks]
    ids = list(endpoints)
    distances = nearest_distances(sources, [_centre(df.by_id[r]) for r in ids])
    switch_racks = set(plan.racks)
    longest = 0.0
    counts: Counter = Counter()
    for rack_id, dist in zip(ids, distances):
        facts = df.by_id[rack_id]
        n = endpoints[rack_id]
        length = cable_length_m(dist, site.tile_mm, facts.height_m, rack_id in switch_racks)
        longest = max(longest, length)
        media = ("rj45" if length <= RJ45_REACH_M else None) if oob else cable_media(length, reach)
        if media is None:
            result.findings.append(Finding(ERROR, "network.cable_reach", rack_id,
                                           f"{rack_id}: {plan.role} cables of {length:.0f} m to the nearest "
                                           f"{plan.model} rack; no cable type reaches that far",
                                           round_sig(length), reach["singlemode"] if not oob else RJ45_REACH_M, "m"))
            media = "singlemode"
        counts[media] += n
    if unplaced_endpoints:
        counts["unplaced"] += unplaced_endpoints
    # switch-to-switch tiers
    inter = size.leaf_spine_cables + size.spine_core_cables
    if inter:
        fps = [df.by_id[r].footprint for r in plan.racks]
        span = (max(f.x for f in fps) - min(f.x for f in fps)) + (max(f.y for f in fps) - min(f.y for f in fps))
        height = max(df.by_id[r].height_m for r in plan.racks)
        length = cable_length_m(span, site.tile_mm, height, len(plan.racks) == 1)
        media = ("rj45" if length <= RJ45_REACH_M else "singlemode") if oob else \
            (cable_media(length, reach) or "singlemode")
        counts[media] += inter
        longest = max(longest, length)
    for media, n in counts.items():
        result.cables[media] += n
        if media in ("multimode", "singlemode"):
            result.transceivers[media] += OPTICS_PER_CABLE * n
    summary = ", ".join(f"{n} {m}" for m, n in sorted(counts.items()) if n)
    result.findings.append(Finding(INFO, "network.cable_reach", subject,
                                   f"{subject}: {sum(counts.values())} cables ({summary}); longest ≈ {longest:.1f} m",
                                   round_sig(longest), None, "m"))


def _centre(facts: RackFacts) -> tuple[int, int]:
    fp = facts.footprint
    return (fp.x + fp.w // 2, fp.y + fp.d // 2)

