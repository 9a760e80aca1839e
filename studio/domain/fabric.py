"""The one fabric sizer: leaf, spine and core switches, and the links of each tier.

The validation rules (``rules/network.py``), the estimator (``perf/designs.py``, ``perf/cases.py``),
the scaling path (``perf/scaling.py``) and the bill of materials all size a fabric here, so that
they show the same counts. Folded-Clos (fat-tree) arithmetic on switches of radix ``k``
(hardware.md §3.5):

* **radix** at the endpoint speed: a port splits into sub-ports only where the switch's datasheet
  says so (``Switch.max_split``): SN5600 64 × 800G facing 400G NICs → k = 128; a switch without a
  sourced split keeps its port count (a 400G NIC on an 800G port uses the whole port).
* a leaf gives ``down = ⌊k·o/(1+o)⌋`` ports to endpoints and ``k − down`` up (o = oversubscription,
  1 → k/2 and k/2);
* **rail-optimized** (DGX SuperPOD): one leaf per rail per scalable unit (SU) of ``down`` nodes,
  ``leaves = rails × ⌈nodes / down⌉``; a **fat tree** packs endpoints, ``leaves = ⌈E / down⌉``;
  E ≤ k → one switch, no spine;
* each leaf sends ``⌈used down ports / o⌉`` links up (a partial SU is cabled for the nodes present;
  the RAs advise building the full SU's leaves and leaf-spine cables — size the full SU to see it);
* **two tiers** while leaves ≤ k: spines = the fewest that give every leaf an equal share of
  links and enough spine ports, ``s | u_max`` and ``s·k ≥ Σ uplinks`` (SuperPOD H100: 1 SU → 4,
  2 → 8, 3 → 16, 4 → 16 spines; B300-XDR 4 SU → 18);
* **three tiers** (Al-Fares et al. 2008) while leaves ≤ k·k/2 (at most k pods of k/2 leaves):
  spines per pod = ⌈pod uplinks / (k/2)⌉, core = ⌈Σ spine uplinks / k⌉;
* **four tiers** while leaves ≤ k·(k/2)²: one more layer of ⌈links / (k/2)⌉ switches, counted with
  the core; beyond four tiers the fabric is infeasible (``feasible`` False).
* cables: one per endpoint port plus every inter-switch link; SuperPOD compute fabrics are
  all-optical, so an optic at each end: transceivers = 2 × cables. The rules type each cable by its
  floor-plan length (DAC, multimode, single-mode) on top of these counts.

GB200 NVL72 (4 rails of trays): one SU of 8 racks = 144 trays per rail → 20 leaves and 16 spines on
QM9700; 4 SU and more take three tiers. No GB200 switch-count table was found in the sources at hand
(the GB200 SuperPOD RA's architecture page gives only the SU and "128 racks with 9216 GPUs"; the
Enterprise NVL72 AI Factory RA's stored pages hold no count table): these counts are this arithmetic,
not published figures (tests/test_perf_fabric.py says what was searched).

Sources: DGX SuperPOD H100 RA (network-fabrics: 1–4 SU → 8/4, 16/8, 24/16, 32/16), B200 RA
(dgx-superpod-architecture: 2–64 SU, 16 SU → 128/128/64), B300-XDR RA (Q3400: 1 SU → 8/4, 4 SU →
32/18, 18 SU → 144/72), all at docs.nvidia.com/dgx-superpod/…; tests/test_perf_fabric.py
reproduces each table row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .catalog import Catalog, Switch, System
from .design import Design

TOPOLOGIES = ("rail-optimized", "fat-tree")
#: Each GB200/GB300 compute tray has 4 ConnectX NICs, one per GPU (hardware.md §2.1): a rack-scale
#: system attaches to a rail-optimized fabric as trays of 4 rails.
RACK_SCALE_RAILS = 4
#: Tiers a Clos fabric may have before it is called infeasible: leaf, spine, core and one super-core
#: layer (hardware.md §3.5: three tiers carry k³/4 endpoints; a fourth multiplies by k/2).
MAX_TIERS = 4
OPTICS_PER_CABLE = 2  # one transceiver at each end of an optical link


class FabricError(ValueError):
    """A fabric that cannot be sized as asked (unknown topology, oversubscription below 1:1)."""


@dataclass(frozen=True)
class FabricSize:
    """A sized fabric. ``tiers``: 0 (nothing to connect), 1 (one switch), 2, 3 or 4.

    ``core`` counts every switch above the spine (a fourth tier's switches included).
    ``leaf_spine_cables`` are the leaf uplinks; ``spine_core_cables`` every link above the spine.
    """

    endpoints: int
    tiers: int
    leaf: int
    spine: int
    core: int
    radix: int
    leaf_down_ports: int
    endpoint_cables: int
    leaf_spine_cables: int
    spine_core_cables: int
    feasible: bool = True
    max_endpoints: int = 0  # what MAX_TIERS tiers of this radix connect at this oversubscription
    switch: str = ""
    topology: str = "rail-optimized"
    oversubscription: float = 1.0
    assumptions: tuple[str, ...] = field(default=())
    port_gbps: float = 0.0  # the speed of one (sub-)port the sizing counts: what each link and its optics run at

    @property
    def switches(self) -> int:
        return self.leaf + self.spine + self.core

    @property
    def cables(self) -> int:
        return self.endpoint_cables + self.leaf_spine_cables + self.spine_core_cables

    @property
    def transceivers(self) -> int:
        return OPTICS_PER_CABLE * self.cables

    @property
    def max_endpoints_two_tier(self) -> int:
        return self.radix * self.leaf_down_ports

    @property
    def max_endpoints_three_tier(self) -> int:
        return self.radix * (self.radix // 2) * self.leaf_down_ports

    def contract_dict(self) -> dict:
        """The ``fabric`` object of the ``estimate`` contract."""
        return {"leaf": self.leaf, "spine": self.spine, "core": self.core, "cables": self.cables,
                "transceivers": self.transceivers}

    def as_dict(self) -> dict:
        return {"leaf": self.leaf, "spine": self.spine, "core": self.core, "tiers": self.tiers,
                "endpoints": self.endpoints, "cables": self.cables, "transceivers": self.transceivers,
                "cables_by_tier": {"endpoint": self.endpoint_cables, "leaf_spine": self.leaf_spine_cables,
                                   "spine_core": self.spine_core_cables},
                "feasible": self.feasible}


def radix(switch: Switch, endpoint_gbps: float = 0.0) -> int:
    """Switch ports at the endpoint speed, splitting a port only as far as the datasheet allows.

    ``ports × min(max_split, port speed ÷ endpoint speed)`` when the endpoints are slower, else
    ``ports``. SN5600 (64 × 800G, splits to 4 × 200G) for 400G NICs → 64 × 2 = 128; QM9700
    (64 × 400G, no split in the catalog) for 400G → 64; Q3400 (144 × 800G) for 400G NICs → 144.
    """
    if endpoint_gbps <= 0 or endpoint_gbps >= switch.port_speed_gbps:
        return switch.ports
    split = min(max(1, int(getattr(switch, "max_split", 1) or 1)), int(switch.port_speed_gbps // endpoint_gbps))
    return switch.ports * max(1, split)


def port_gbps(switch: Switch, k: int) -> float:
    """Speed of one of the ``k`` (sub-)ports a sizing counts: port speed × ports ÷ k. SN5600 at k = 128
    (64 × 800G split in two for 400G NICs) → 400 Gb/s; QM9700 at k = 64 → 400 Gb/s (its own ports)."""
    return float(switch.port_speed_gbps) * switch.ports / k if k else float(switch.port_speed_gbps)


def leaf_ports(k: int, oversubscription: float = 1.0) -> tuple[int, int]:
    """(down, up) ports of a leaf: ``down = ⌊k·o/(1+o)⌋``; k = 64 at 1:1 → (32, 32); at 3:1 → (48, 16)."""
    if oversubscription < 1:
        raise FabricError(f"oversubscription {oversubscription:g} must be ≥ 1 (1 = non-blocking)")
    if k <= 1:
        return 1, 0
    down = min(k - 1, max(1, math.floor(k * oversubscription / (1.0 + oversubscription))))
    return down, k - down


def even_spines(uplinks_per_leaf: int, total_uplinks: int, ports: int) -> int:
    """Fewest spines that give each leaf an equal share of its uplinks and enough spine ports:
    the smallest s ≥ ⌈Σ uplinks / ports⌉ dividing a leaf's uplinks (else that ceiling).

    SuperPOD H100 3 SU: 24 leaves × 32 uplinks = 768 → ≥ 12 spines, 32 % 12 ≠ 0 → 16.
    """
    need = max(1, math.ceil(total_uplinks / ports))
    for s in range(need, uplinks_per_leaf + 1):
        if uplinks_per_leaf % s == 0:
            return s
    return need


def rails_of(system: System) -> int:
    """Rails a system attaches to: one per compute port; a rack-scale system as trays of 4."""
    if system.is_rack_scale:
        return min(system.compute_ports, RACK_SCALE_RAILS)
    return system.compute_ports


def compute_endpoints(systems: Iterable[System]) -> tuple[int, int, int, float]:
    """(rails, nodes, endpoints, port Gb/s) of the compute fabric for these systems (one entry per
    system placed). Rails = the most any system attaches to; nodes = ⌈endpoints / rails⌉.

    32 DGX H100 (8 × 400G) → (8, 32, 256, 400); 8 GB200 NVL72 (72 × 400G) → (4, 144, 576, 400).
    """
    counts: dict[int, list] = {}
    for system in systems:  # one entry per system type: a 100,000-GPU path places 12,500 of one
        entry = counts.setdefault(id(system), [system, 0])
        entry[1] += 1
    return counted_endpoints((system, n) for system, n in counts.values())


def counted_endpoints(systems: Iterable[tuple[System, int]]) -> tuple[int, int, int, float]:
    """``compute_endpoints`` of ``(system, how many)`` pairs."""
    rails = endpoints = 0
    gbps = 0.0
    for system, count in systems:
        if system.compute_ports <= 0 or count <= 0:
            continue
        endpoints += system.compute_ports * count
        rails = max(rails, rails_of(system))
        gbps = max(gbps, float(system.compute_port_gbps))
    rails = max(1, rails)
    return rails, (math.ceil(endpoints / rails) if endpoints else 0), endpoints, gbps


def size_fabric(rails: int, nodes: int, switch: Switch, topology: str = "rail-optimized",
                oversubscription: float = 1.0, endpoint_gbps: float = 0.0) -> FabricSize:
    """Leaf/spine/core counts and the links of each tier for ``nodes`` × ``rails`` endpoints.

    Worked examples (QM9700, k = 64, 1:1, rail-optimized, 8 rails): 32 DGX H100 → 8 leaves,
    256 uplinks → 4 spines, cables 256 + 256, transceivers 1,024; 512 DGX B200 (16 SU) → 128 leaf,
    128 spine, 64 core (B200 RA); 12,500 DGX (100,000 GPUs) → 3,128 leaves, four tiers.
    """
    if topology not in TOPOLOGIES:
        raise FabricError(f"unknown topology '{topology}' (expected {' or '.join(TOPOLOGIES)})")
    o = float(oversubscription)
    k = radix(switch, endpoint_gbps)
    down, up = leaf_ports(k, o)
    half = max(1, k // 2)
    rails = max(1, int(rails))
    nodes = max(0, int(nodes))
    endpoints = rails * nodes
    max_endpoints = k * half ** (MAX_TIERS - 2) * down
    notes = (f"radix {k}" + (f" at {endpoint_gbps:g} Gb/s" if endpoint_gbps else "") + f"; leaf {down} down / {up} up",)
    base = dict(radix=k, max_endpoints=max_endpoints, switch=switch.slug, topology=topology, oversubscription=o,
                port_gbps=port_gbps(switch, k))
    if endpoints == 0:
        return FabricSize(0, 0, 0, 0, 0, leaf_down_ports=down, endpoint_cables=0, leaf_spine_cables=0,
                          spine_core_cables=0, assumptions=notes, **base)
    if endpoints <= k:
        return FabricSize(endpoints, 1, 1, 0, 0, leaf_down_ports=k, endpoint_cables=endpoints, leaf_spine_cables=0,
                          spine_core_cables=0, assumptions=notes + ("one switch connects every endpoint",), **base)
    if topology == "rail-optimized" and rails > 1:
        sus, last = divmod(nodes, down)
        per_leaf = [down] * (rails * sus) + ([last] * rails if last else [])
    else:
        full, last = divmod(endpoints, down)
        per_leaf = [down] * full + ([last] if last else [])
    uplinks = [math.ceil(used / o) for used in per_leaf]
    leaves, total_up = len(per_leaf), sum(uplinks)
    if leaves <= k:
        spines = even_spines(max(uplinks), total_up, k)
        return FabricSize(endpoints, 2, leaves, spines, 0, leaf_down_ports=down, endpoint_cables=endpoints,
                          leaf_spine_cables=total_up, spine_core_cables=0, assumptions=notes, **base)
    pods = math.ceil(leaves / half)
    spines = sum(math.ceil(sum(uplinks[p * half:(p + 1) * half]) / half) for p in range(pods))
    if pods <= k:
        tiers, core, above = 3, math.ceil(total_up / k), total_up
    else:
        middle = math.ceil(total_up / half)
        tiers, core, above = 4, middle + math.ceil(total_up / k), 2 * total_up
        notes += ("four tiers: the switches above the spine are counted as core",)
    feasible = leaves <= k * half ** (MAX_TIERS - 2)
    if not feasible:
        notes += (f"more than {MAX_TIERS} tiers: {endpoints} endpoints exceed {max_endpoints}",)
    return FabricSize(endpoints, tiers, leaves, spines, core, leaf_down_ports=down, endpoint_cables=endpoints,
                      leaf_spine_cables=total_up, spine_core_cables=above, feasible=feasible, assumptions=notes,
                      **base)


def size_system_fabric(system: System, nodes: int, switch: Switch, topology: str = "rail-optimized",
                       oversubscription: float = 1.0) -> FabricSize:
    """The compute fabric of ``nodes`` systems of one type: ``size_fabric`` on
    ``compute_endpoints([system] × nodes)``. 32 DGX H100 on QM9700 → 8 leaf + 4 spine."""
    if system.compute_ports < 1:
        raise FabricError(f"system '{system.slug}' has no compute-fabric ports")
    if nodes < 1:
        raise FabricError("the fabric needs at least one node")
    rails, n, _, gbps = counted_endpoints([(system, int(nodes))])
    return size_fabric(rails, n, switch, topology, oversubscription, gbps)


def design_systems(design: Design, catalog: Catalog) -> list[System]:
    """The systems a design's racks hold, as validation counts them: a rack whose model is a
    rack-scale system is one system; a device that is a (non-rack-scale) system is one each."""
    out: list[System] = []
    for rack in design.racks:
        model = catalog.get(rack.model) if rack.model in catalog else None
        if isinstance(model, System) and model.is_rack_scale:
            out.append(model)
        for device in rack.devices:
            item = catalog.get(device.model) if device.model in catalog else None
            if isinstance(item, System) and not item.is_rack_scale:
                out.append(item)
    return out


def design_compute_fabric(design: Design, catalog: Catalog) -> FabricSize | None:
    """The design's compute fabric (``design.fabrics["compute"]``) sized for every system in its
    racks, exactly as ``validate`` sizes it; None when the design names no compute fabric (or its
    model is not a switch). Raises ``FabricError`` for an impossible topology."""
    fabric = design.fabrics.get("compute")
    if fabric is None or fabric.model not in catalog or not isinstance(catalog.get(fabric.model), Switch):
        return None
    rails, nodes, _, gbps = compute_endpoints(design_systems(design, catalog))
    return size_fabric(rails, nodes, catalog.get(fabric.model), fabric.topology, fabric.oversubscription, gbps)


__all__ = ["FabricError", "FabricSize", "MAX_TIERS", "RACK_SCALE_RAILS", "TOPOLOGIES", "compute_endpoints",
           "counted_endpoints", "design_compute_fabric", "design_systems", "even_spines", "leaf_ports", "port_gbps", "radix", "rails_of",
           "size_fabric", "size_system_fabric"]
