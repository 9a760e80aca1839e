"""Networks: fabrics sized by the one sizer, ports against placed switches, cable reach on the floor.

A DGX SuperPOD has four fabrics (compute, storage, in-band, out-of-band; hardware.md §3.1). For
each fabric in the design this module sizes leaf/spine/core with ``studio.domain.fabric.size_fabric``
(the sizer the estimator and the scaling path use too), compares the switches that sizing needs
with the switches placed in racks, and types every cable by its floor-plan length (``cable_media``):
the totals' ``cables`` and ``transceivers`` by media are these counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..catalog import Storage, Switch, System, Transceiver
from ..fabric import MAX_TIERS, OPTICS_PER_CABLE, FabricError, FabricSize, compute_endpoints, size_fabric
from ..layout import nearest_distances
from ..units import round_sig
from .facts import DesignFacts, RackFacts
from .finding import ERROR, INFO, WARNING, Finding

# Cable reach by media when the catalog has no transceiver of that media (hardware.md §2.3, §5.6).
DEFAULT_REACH_M = {
    "dac": 3.0,  # passive copper: "DAC/ACC for ≤ 3–5 m", take the short end
    "multimode": 50.0,  # MMA4Z00-NS400 400G SR4 multimode: 50 m
    "singlemode": 500.0,  # 400GBASE-DR4 singlemode: 500 m (IEEE 802.3bs)
}
RJ45_REACH_M = 100.0  # 1000BASE-T over Cat6: 100 m (IEEE 802.3ab), used by the out-of-band network
CABLE_SLACK_M = 0.5  # service loop and routing at both ends [M]


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


def _compute_systems(facts_list: list[RackFacts]) -> list[System]:
    """Every system placed in the design's racks (a rack-scale rack counts as one)."""
    out: list[System] = []
    for f in facts_list:
        out.extend(item for _, item in f.devices if isinstance(item, System))
        if f.rack_system is not None:
            out.append(f.rack_system)
    return out


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

    rails, nodes, compute_ports, compute_gbps = compute_endpoints(_compute_systems(df.racks))
    endpoints_by_role = {role: _endpoints_by_rack(df, role) for role in ("compute", "storage", "inband", "oob")}
    extra_endpoints = {
        "storage": sum(s.ports * n for s, n in unplaced_storage),
        "oob": sum(n for _, n in unplaced_storage),
    }
    # fabric.missing: systems to connect and no compute fabric
    if "compute" not in design.fabrics and compute_ports and nodes > 1 and \
            sum(f.systems for f in df.racks) > 1:
        result.findings.append(Finding(WARNING, "fabric.missing", "fabric:compute",
                                       f"fabric:compute: {compute_ports} compute ports on "
                                       f"{sum(f.systems for f in df.racks)} systems and no compute fabric",
                                       compute_ports, 0, "ports"))
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
        try:
            size = _size_role(role, result, switch, fabric, (rails, nodes, compute_gbps),
                              sum(endpoints_by_role[role].values()) + extra_endpoints.get(role, 0))
        except FabricError as exc:
            result.findings.append(Finding(ERROR, "fabric.topology.invalid", subject, f"{subject}: {exc}"))
            continue
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


def _size_role(role: str, result: NetworkAnalysis, switch: Switch, fabric, compute: tuple[int, int, float],
               endpoints: int) -> FabricSize:
    """The compute fabric on its rails (at the NICs' speed); every other fabric as a fat tree of
    single-port endpoints (out-of-band adds the management ports of switches not yet placed)."""
    if role == "compute":
        rails, nodes, gbps = compute
        return size_fabric(rails, nodes, switch, fabric.topology, fabric.oversubscription, gbps)
    if role == "oob":
        endpoints += sum(p.unplaced for p in result.fabrics.values())
    return size_fabric(1, endpoints, switch, fabric.topology, fabric.oversubscription)


def _fabric_findings(plan: FabricPlan, oversubscription: float, df: DesignFacts) -> list[Finding]:
    """``fabric.ports.insufficient``: the fabric cannot connect its endpoints.

    Either the sizing is infeasible (more endpoints than four tiers of radix k carry, k⁴/8 at
    1:1), or switches of the fabric's model are placed in racks but fewer than the sizing needs:
    ports needed = (leaf + spine + core) × k > ports placed = placed switches × k.
    No switch placed at all → ``fabric.switches.unplaced`` (info: counted, not drawn).
    Worked example: 32 DGX H100 (256 NDR ports) on quantum-2-ndr need 8 leaf + 4 spine
    = 12 × 64 = 768 ports; with 8 switches placed (512 ports) → error.
    """
    size, switch, subject = plan.size, plan.switch, f"fabric:{plan.role}"
    k = size.radix
    out: list[Finding] = []
    if not size.feasible:
        out.append(Finding(ERROR, "fabric.ports.insufficient", subject,
                           f"{subject}: {size.endpoints} endpoint ports exceed what {MAX_TIERS} tiers of {plan.model} "
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

