"""Networks: fabrics sized by the one sizer, ports against placed switches, cable reach on the floor.

A DGX SuperPOD has four fabrics (compute, storage, in-band, out-of-band; hardware.md §3.1). For
each fabric in the design this module sizes leaf/spine/core with ``studio.domain.fabric.size_fabric``
(the sizer the estimator and the scaling path use too) and compares the switches that sizing needs
with the switches placed in racks: ``size_network``, which depends on what the racks hold, not where
they stand. ``rules.cabling`` then types every cable by its floor-plan length; the totals'
``cables`` and ``transceivers`` by media are those counts, and ``fabric_links`` gives them per fabric
with the fabric's port speed. After a move that changes no rack's contents, ``analyse_network``
reuses the sizing and re-types only the moved racks' cables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..catalog import Storage, Switch, System
from ..fabric import MAX_TIERS, FabricError, FabricSize, compute_endpoints, size_fabric
from .cabling import (
    CABLE_SLACK_M,
    DEFAULT_REACH_M,
    RJ45_REACH_M,
    FabricCabling,
    cable_length_m,
    cable_media,
    media_reach,
    retype_fabric,
    type_fabric,
)
from .facts import DesignFacts, RackFacts
from .finding import ERROR, INFO, WARNING, Finding

ROLES = ("compute", "storage", "inband", "oob")


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
class NetworkSizing:
    """What the fabrics need, from the racks' contents only: each fabric's plan, the endpoints of
    each role per rack, the endpoints of storage listed but not placed, the sizing findings and
    the power of switches the sizing needs but no rack holds."""

    findings: list[Finding] = field(default_factory=list)
    fabrics: dict[str, FabricPlan] = field(default_factory=dict)
    endpoints: dict[str, dict[str, int]] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    unplaced_power_max_w: float = 0.0
    unplaced_power_typical_w: float = 0.0


@dataclass
class NetworkAnalysis:
    """The sizing, each fabric's cabling, and their sums: ``cables`` and ``transceivers`` by media
    over all fabrics, ``fabric_links`` per fabric (``FabricCabling.as_dict``)."""

    findings: list[Finding] = field(default_factory=list)
    fabrics: dict[str, FabricPlan] = field(default_factory=dict)
    cables: Counter = field(default_factory=Counter)
    transceivers: Counter = field(default_factory=Counter)
    unplaced_power_max_w: float = 0.0
    unplaced_power_typical_w: float = 0.0
    sizing: NetworkSizing = field(default_factory=NetworkSizing)
    cabling: dict[str, FabricCabling] = field(default_factory=dict)

    @property
    def fabric_links(self) -> dict[str, dict]:
        return {role: c.as_dict() for role, c in self.cabling.items()}


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


def size_network(df: DesignFacts) -> NetworkSizing:
    """Size each fabric and compare with the placed switches: O(racks + devices), positions unused."""
    design = df.design
    result = NetworkSizing()
    placed_pool = df.placed_switches()
    # storage appliances listed but not placed in a rack still need ports
    placed_storage = df.placed_storage()
    unplaced_storage: list[tuple[Storage, int]] = []
    for entry in design.storage:
        item = df.resolve(entry.model)
        if isinstance(item, Storage) and entry.count > placed_storage[entry.model]:
            unplaced_storage.append((item, entry.count - placed_storage[entry.model]))

    rails, nodes, compute_ports, compute_gbps = compute_endpoints(_compute_systems(df.racks))
    result.endpoints = {role: _endpoints_by_rack(df, role) for role in ROLES}
    result.extra = {"storage": sum(s.ports * n for s, n in unplaced_storage), "oob": sum(n for _, n in unplaced_storage)}
    # fabric.missing: systems to connect and no compute fabric
    systems = sum(f.systems for f in df.racks)
    if "compute" not in design.fabrics and compute_ports and nodes > 1 and systems > 1:
        result.findings.append(Finding(WARNING, "fabric.missing", "fabric:compute",
                                       f"fabric:compute: {compute_ports} compute ports on {systems} systems and "
                                       "no compute fabric", compute_ports, 0, "ports"))
    for i, role in enumerate(ROLES):
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
                              sum(result.endpoints[role].values()) + result.extra.get(role, 0))
        except FabricError as exc:
            result.findings.append(Finding(ERROR, "fabric.topology.invalid", subject, f"{subject}: {exc}"))
            continue
        # later roles that use the same model take what earlier roles leave
        later_same = any(design.fabrics.get(r) is not None and design.fabrics[r].model == fabric.model
                         for r in ROLES[i + 1:])
        available = placed_pool[fabric.model]
        placed = min(available, size.switches) if later_same else available
        placed_pool[fabric.model] -= placed
        plan = FabricPlan(role, fabric.model, switch, size, placed,
                          [f.id for f in df.racks if f.switches.get(fabric.model)])
        result.fabrics[role] = plan
        result.findings.extend(_fabric_findings(plan, fabric.oversubscription, df))
        result.unplaced_power_max_w += plan.unplaced * switch.power_max_w
        result.unplaced_power_typical_w += plan.unplaced * switch.power_typical_w
    return result


def analyse_network(df: DesignFacts, previous: NetworkAnalysis | None = None,
                    moved: frozenset[str] = frozenset()) -> NetworkAnalysis:
    """Size each fabric, compare with placed switches, type the cables. O(racks + hall tiles).

    With ``previous`` (the analysis before an edit that moved the racks in ``moved`` and changed no
    rack's contents, no fabric and no storage entry): its sizing is reused and only the moved
    racks' cables are typed again (``retype_fabric``) — the same result as a full analysis.
    """
    sizing = previous.sizing if previous is not None else size_network(df)
    result = NetworkAnalysis(findings=list(sizing.findings), fabrics=sizing.fabrics,
                             unplaced_power_max_w=sizing.unplaced_power_max_w,
                             unplaced_power_typical_w=sizing.unplaced_power_typical_w, sizing=sizing)
    for role, plan in sizing.fabrics.items():
        endpoints, extra = sizing.endpoints[role], sizing.extra.get(role, 0)
        before = previous.cabling.get(role) if previous is not None else None
        if before is not None:
            cabling = retype_fabric(before, moved, plan.racks, plan.size, endpoints, extra, df)
        else:
            cabling = type_fabric(role, plan.model, plan.size.port_gbps, plan.racks, plan.size, endpoints, extra,
                                  df, media_reach(df.catalog, plan.switch.port_speed_gbps))
        result.cabling[role] = cabling
        result.findings.extend(cabling.findings())
        result.cables.update(cabling.counts)
        result.transceivers.update(cabling.transceivers)
    return result


def _size_role(role: str, result: NetworkSizing, switch: Switch, fabric, compute: tuple[int, int, float],
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


__all__ = ["CABLE_SLACK_M", "DEFAULT_REACH_M", "RJ45_REACH_M", "FabricPlan", "FabricSize", "NetworkAnalysis",
           "NetworkSizing", "analyse_network", "cable_length_m", "cable_media", "media_reach", "size_fabric",
           "size_network"]
