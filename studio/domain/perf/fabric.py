"""Compute-fabric sizing: leaf, spine and core switches, cables and transceivers.

Folded-Clos (fat-tree) arithmetic on switches of radix ``k`` (ports counted at the endpoint's
speed: a 64 × 800G switch facing 400G NICs splits into k = 128), hardware.md §3.5:

* a leaf gives ``d = k·r/(1+r)`` ports down and ``u = k − d`` up at oversubscription ``r``
  (1:1 → k/2 and k/2);
* **rail-optimized** (DGX SuperPOD): one leaf per rail per scalable unit (SU) of ``d`` nodes, so
  ``leaves = rails × ⌈nodes / d⌉``; a **fat-tree** packs endpoints: ``leaves = ⌈endpoints / d⌉``;
* **two tiers** while every leaf can reach every spine (leaves ≤ k): spines = the smallest count
  that divides a leaf's uplinks evenly and offers enough ports, ``s | u`` and ``s·k ≥ leaves·u``
  (SuperPOD H100: 1 SU → 4, 2 → 8, 3 → 16, 4 → 16);
* **three tiers** beyond that (Al-Fares 2008): aggregation ``⌈leaf uplinks / (k/2)⌉``, core
  ``⌈aggregation uplinks / k⌉``; 1:1 limit k³/4 endpoints (65,536 on QM9700); a fourth tier
  repeats the step and is counted with the core.
* cables = endpoint links + every inter-switch link; one transceiver per optical cable end
  (endpoint links too: SuperPOD compute fabrics are all-optical), so transceivers = 2 × cables.
"""

from __future__ import annotations

import math

from studio.domain.catalog import Switch, System
from studio.domain.rules.network import RACK_SCALE_RAILS  # rails of a rack-scale system: one source with the rules

from .errors import EstimateError
from .results import FabricEstimate

TOPOLOGIES = ("rail-optimized", "fat-tree")


def radix(switch: Switch, endpoint_gbps: float) -> int:
    """Switch ports at the endpoint speed: QM9700 64 × 400G for 400G NICs → 64; SN5600
    64 × 800G for 400G NICs → 128 (split); 400G switch for 800G NICs → 32 (two ports each)."""
    if endpoint_gbps <= 0:
        return switch.ports
    return max(2, int(switch.ports * switch.port_speed_gbps // endpoint_gbps))


def leaf_ports(k: int, oversubscription: float) -> tuple[int, int]:
    """(down, up) ports of a leaf: ``down = ⌊k·r/(1+r)⌋``; 64 at 1:1 → (32, 32); at 3:1 → (48, 16)."""
    if oversubscription < 1:
        raise EstimateError(f"oversubscription {oversubscription} must be ≥ 1 (1 = non-blocking)")
    down = int(k * oversubscription // (1 + oversubscription))
    return down, k - down


def _even_spines(uplinks_per_leaf: int, total_uplinks: int, k: int) -> int:
    """Fewest spines that give every leaf an equal share of links and enough spine ports."""
    need = math.ceil(total_uplinks / k)
    for s in range(need, uplinks_per_leaf + 1):
        if uplinks_per_leaf % s == 0:
            return s
    return need


def size_fabric(system: System, nodes: int, switch: Switch, topology: str = "rail-optimized",
                oversubscription: float = 1.0) -> FabricEstimate:
    """Switch, cable and transceiver counts for ``nodes`` systems on ``switch``.

    32 DGX H100 (8 × 400G) on QM9700, rail-optimized 1:1 → 8 leaves, 4 spines, no core,
    256 + 256 = 512 cables, 1,024 transceivers.
    """
    if topology not in TOPOLOGIES:
        raise EstimateError(f"unknown topology '{topology}' (expected {' or '.join(TOPOLOGIES)})")
    if nodes < 1:
        raise EstimateError("the fabric needs at least one node")
    if system.compute_ports < 1:
        raise EstimateError(f"system '{system.slug}' has no compute-fabric ports")
    k = radix(switch, system.compute_port_gbps)
    down, up = leaf_ports(k, oversubscription)
    endpoints = nodes * system.compute_ports
    if topology == "rail-optimized":
        rails = min(system.compute_ports, RACK_SCALE_RAILS) if system.is_rack_scale else system.compute_ports
        units = nodes * system.compute_ports // rails
        leaves = rails * math.ceil(units / down)
    else:
        leaves = math.ceil(endpoints / down)
    used_down = math.ceil(endpoints / leaves)
    uplinks_per_leaf = min(up, math.ceil(used_down / oversubscription))
    leaf_uplinks = leaves * uplinks_per_leaf
    assumptions = [f"radix {k} at {system.compute_port_gbps:g} Gb/s; leaf {down} down / {up} up"]
    half = k // 2
    if leaves == 1:
        tiers, spine, core, inter = 1, 0, 0, 0
    elif leaves <= k:
        tiers, spine, core = 2, _even_spines(uplinks_per_leaf, leaf_uplinks, k), 0
        inter = leaf_uplinks
    else:
        # tiers needed: two-tier capacity k·down endpoints, ×k/2 for each further tier
        tiers, capacity = 3, k * down * half
        while endpoints > capacity:
            tiers, capacity = tiers + 1, capacity * half
            if tiers > 6:
                raise EstimateError("fabric would need more than six tiers")
        uplinks, inter, middle = leaf_uplinks, leaf_uplinks, []
        for _ in range(tiers - 2):
            count = math.ceil(uplinks / half)
            middle.append(count)
            uplinks = count * half
            inter += uplinks
        spine = middle[0]
        core = sum(middle[1:]) + math.ceil(uplinks / k)
        if tiers > 3:
            assumptions.append(f"{tiers} tiers: switches above the spine counted as core")
    cables = endpoints + inter
    return FabricEstimate(
        switch=switch.slug, topology=topology, oversubscription=oversubscription, endpoints=endpoints,
        tiers=tiers, leaf=leaves, spine=spine, core=core, cables=cables, transceivers=2 * cables,
        max_endpoints_two_tier=k * down, max_endpoints_three_tier=k * k * down // 2,
        assumptions=tuple(assumptions),
    )
