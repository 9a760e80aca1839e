"""Rack power: load against the usable capacity of the rack's PDUs (or power shelves).

Rack load = Σ device ``power_max_w`` + the rack cooling unit's own ``power_w`` (fans, pumps);
the typical load uses ``power_typical_w`` the same way (``RackFacts``). A PDU's usable power is
√3 × V × I × PF × 0.8 for 3-phase (``Pdu.usable_power_w``, hardware.md §4).
"""

from __future__ import annotations

from ..units import round_sig, w_to_kw
from .facts import RackFacts
from .finding import ERROR, INFO, WARNING, Finding, over_limit

# Redundancy targets under which each feed alone must carry the rack (two independent paths).
DUAL_PATH_TARGETS = ("2N", "2N+1")


def rack_power_capacity(facts: RackFacts) -> list[Finding]:
    """``rack.power.over_capacity``: load_kW > Σ usable_kW of all the rack's PDUs together.

    For a rack-scale system (NVL72) the capacity is its power shelves' ``rack_power_capacity_w``
    plus any extra PDUs, and the 90 % warning applies only once devices are added to it
    (gb200-nvl72 alone: 125 kW on 132 kW of shelves is the vendor's design). A rack with load and no PDU at all is ``rack.power.no_pdu``.
    Error above 100 %, warning above 90 %.
    Worked example: 4 × DGX H100 (4 × 10.2 kW = 40.8 kW) on one pdu-415v-60a-3ph (34.5 kW)
    → error 40.8 > 34.5; on two (69.0 kW) → fine (59 %).
    """
    load_w = facts.power_max_w
    capacity_w = facts.pdu_capacity_w
    if facts.rack_system is not None:
        capacity_w += facts.rack_system.rack_power_capacity_w
    if load_w <= 0:
        return []
    if capacity_w <= 0:
        return [Finding(ERROR, "rack.power.no_pdu", facts.id,
                        f"{facts.id}: {round_sig(w_to_kw(load_w)):g} kW of equipment and no PDU to feed it",
                        round_sig(w_to_kw(load_w)), 0.0, "kW")]
    what = ("load is above the usable capacity of its power shelves and PDUs" if facts.rack_system is not None
            else "load is above the usable capacity of all its PDUs together")
    # A rack-scale system alone on its own power shelves is the vendor's engineered envelope:
    # no "within 10 %" warning for it, only when something is added to the rack.
    warn = facts.rack_system is None or bool(facts.devices)
    found = over_limit("rack.power.over_capacity", facts.id, w_to_kw(load_w), w_to_kw(capacity_w), "kW", what,
                       warn=warn)
    return [found] if found else []


def rack_feed_redundancy(facts: RackFacts, redundancy: str) -> list[Finding]:
    """``rack.power.feed_redundancy``: with PDUs on both feeds A and B, each feed alone must carry
    the whole rack (2N power): load_kW > min(Σ usable_kW on A, Σ usable_kW on B) loses redundancy.

    A warning (the rack runs, but one feed failing drops it), an error when the site's target is
    2N or 2N+1. A rack on one feed only under a 2N/2N+1 target is ``rack.power.single_feed``.
    Worked example: pdu-415v-60a-3ph on A and on B, 4 × DGX H100 = 40.8 kW: together 69.0 kW
    (fine), but one feed alone 34.5 kW < 40.8 kW → feed_redundancy.
    """
    load_w = facts.power_max_w
    if load_w <= 0 or not facts.pdus:
        return []
    feeds = facts.feeds
    severity = ERROR if redundancy in DUAL_PATH_TARGETS else WARNING
    if feeds == {"A", "B"}:
        weakest = min(("A", "B"), key=facts.feed_capacity_w)
        cap_w = facts.feed_capacity_w(weakest)
        if load_w > cap_w:
            return [Finding(severity, "rack.power.feed_redundancy", facts.id,
                            f"{facts.id}: feed {weakest} alone carries {round_sig(w_to_kw(cap_w)):g} kW but the rack "
                            f"needs {round_sig(w_to_kw(load_w)):g} kW: losing the other feed drops the rack",
                            round_sig(w_to_kw(load_w)), round_sig(w_to_kw(cap_w)), "kW")]
        return []
    if redundancy in DUAL_PATH_TARGETS and facts.rack_system is None:
        (only,) = feeds
        return [Finding(WARNING, "rack.power.single_feed", facts.id,
                        f"{facts.id}: all PDUs are on feed {only}; the site target {redundancy} needs A and B feeds",
                        None, None, "")]
    return []


def rack_pdu_outlets(facts: RackFacts) -> list[Finding]:
    """``rack.power.outlets`` (info): PSU cords vs PDU outlets, Σ psu_count ≤ Σ outlets.

    Worked example: 4 × DGX H100 (6 PSUs each = 24 cords) on 2 PDUs of 24 outlets → fine.
    """
    cords = sum(getattr(item, "psu_count", 0) for _, item in facts.devices)
    outlets = sum(p.outlets for _, p in facts.pdus)
    if facts.pdus and cords > outlets:
        return [Finding(INFO, "rack.power.outlets", facts.id,
                        f"{facts.id}: {cords} PSU cords but {outlets} PDU outlets", cords, outlets, "outlets")]
    return []


def rack_power_findings(facts: RackFacts, redundancy: str) -> list[Finding]:
    return rack_power_capacity(facts) + rack_feed_redundancy(facts, redundancy) + rack_pdu_outlets(facts)
