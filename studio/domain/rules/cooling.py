"""Rack cooling: the heat a rack makes against what its cooling method removes.

All electrical power ends as heat. A system's heat splits into liquid (cold plates) and air by
its ``liquid_heat_fraction`` (``facts.liquid_share``); switches, storage and NICs are air-cooled.
The rack's cooling method (``RackCooling``) removes up to ``max_air_heat_kw`` from the air and
``max_liquid_heat_kw`` through cold plates (hardware.md §2.5, §5.3).
"""

from __future__ import annotations

from ..units import w_to_kw
from .facts import RackFacts
from .finding import ERROR, Finding, over_limit


def rack_cooling_capacity(facts: RackFacts) -> list[Finding]:
    """``rack.cooling.over_capacity``: air_kW > cooling.max_air_heat_kw, or
    liquid_kW > cooling.max_liquid_heat_kw.

    air_kW = Σ device heat × (1 − liquid share); liquid_kW = Σ device heat × liquid share.
    Error above the limit, warning above 90 %.
    Worked examples: 4 × DGX H100 (40.8 kW, all air) on rdhx-active (say 60 kW air) → fine;
    on plain air (say 25 kW) → error 40.8 > 25. A GB200 NVL72 (~85 % liquid) on air, whose
    liquid capacity is 0 → error: a liquid-cooled system on air cooling.
    """
    cooling = facts.cooling
    if cooling is None:
        return []
    out: list[Finding] = []
    air_kw, liquid_kw = w_to_kw(facts.heat_air_w), w_to_kw(facts.heat_liquid_w)
    if liquid_kw > 0 and cooling.max_liquid_heat_kw <= 0:
        out.append(Finding(ERROR, "rack.cooling.over_capacity", facts.id,
                           f"{facts.id}: {liquid_kw:.1f} kW of heat must go to liquid (cold plates) but "
                           f"'{cooling.slug}' has no liquid cooling: a liquid-cooled system on {cooling.slug}",
                           round(liquid_kw, 3), 0.0, "kW"))
    elif liquid_kw > 0:
        found = over_limit("rack.cooling.over_capacity", facts.id, liquid_kw, cooling.max_liquid_heat_kw, "kW",
                           f"heat to liquid is above what '{cooling.slug}' removes")
        if found:
            out.append(found)
    if air_kw > 0:
        if cooling.max_air_heat_kw <= 0:
            out.append(Finding(ERROR, "rack.cooling.over_capacity", facts.id,
                               f"{facts.id}: {air_kw:.1f} kW of heat goes to air but '{cooling.slug}' removes "
                               "none from air", round(air_kw, 3), 0.0, "kW"))
        else:
            found = over_limit("rack.cooling.over_capacity", facts.id, air_kw, cooling.max_air_heat_kw, "kW",
                               f"heat to air is above what '{cooling.slug}' removes")
            if found:
                out.append(found)
    return out


def rack_cooling_findings(facts: RackFacts) -> list[Finding]:
    return rack_cooling_capacity(facts)
