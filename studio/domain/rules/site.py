"""Site: the hall's power and cooling envelopes, and the facility equipment that serves them.

Heat routing (hardware.md §5.3–5.4): cold-plate heat of liquid-cooled systems goes to a CDU's
secondary loop and on to facility water; air heat captured at the rack by a method whose heat
goes to liquid (rear-door heat exchangers, ``RackCooling.to_liquid``) goes to facility water
too; all other air heat (including switches and storage not placed in a rack) is room air for
the CRAHs. IT power counts every rack plus the switches and storage the design needs but has
not placed in a rack.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import FacilityCooling
from ..units import round_sig
from .facts import DesignFacts
from .finding import ERROR, INFO, WARNING, Finding, over_limit

# How many units may fail while the rest still carry the load, per redundancy target (§4).
SPARE_UNITS = {"N": 0, "N+1": 1, "2N": 0, "2N+1": 1}
LOAD_MULTIPLIER = {"N": 1, "N+1": 1, "2N": 2, "2N+1": 2}


@dataclass
class SiteLoads:
    it_kw_max: float = 0.0
    it_kw_typical: float = 0.0
    room_air_kw: float = 0.0  # heat the room's air handling must remove
    facility_liquid_kw: float = 0.0  # heat into facility water (cold plates + rear doors)
    cold_plate_kw: float = 0.0  # heat through CDUs (secondary liquid loop)


def site_power(loads: SiteLoads, it_power_kw: float, pue: float, facility_power_kw: float) -> list[Finding]:
    """``site.power.exceeded``: Σ IT max kW > the site's ``it_power_kw``.
    ``site.facility_power.exceeded``: Σ IT max kW × PUE > ``facility_power_kw``.

    A limit of 0 means "not given": an info note instead of a check.
    Worked example: 8 racks × 41.8 kW + 25 kW of network = 359 kW on a 2,000 kW hall → fine;
    × PUE 1.3 = 467 kW facility power on 2,700 kW → fine.
    """
    out: list[Finding] = []
    if it_power_kw > 0:
        found = over_limit("site.power.exceeded", "site", loads.it_kw_max, it_power_kw, "kW",
                           "IT load (racks and unplaced network/storage, at max power) is above the site's IT power")
        if found:
            out.append(found)
    else:
        out.append(Finding(INFO, "site.power.unspecified", "site",
                           f"site: no IT power limit given; the design draws {round_sig(loads.it_kw_max):g} kW",
                           round_sig(loads.it_kw_max), None, "kW"))
    if facility_power_kw > 0:
        found = over_limit("site.facility_power.exceeded", "site", loads.it_kw_max * pue, facility_power_kw, "kW",
                           f"IT load × PUE {pue:g} is above the facility power")
        if found:
            out.append(found)
    return out


def site_cooling(loads: SiteLoads, air_kw: float, liquid_kw: float) -> list[Finding]:
    """``site.cooling.exceeded``: room-air heat kW > site ``cooling.air_kw``, or facility-liquid
    heat kW > ``cooling.liquid_kw``. Both capacities 0 → "not given" (info).

    Worked example: 8 × DGX H100 racks on active RDHx (8 × 40.8 = 326 kW to water) with
    ``liquid_kw`` 300 → error 326 > 300.
    """
    if air_kw <= 0 and liquid_kw <= 0:
        return [Finding(INFO, "site.cooling.unspecified", "site",
                        f"site: no cooling capacity given; {loads.room_air_kw:.0f} kW to air and "
                        f"{loads.facility_liquid_kw:.0f} kW to liquid", None, None, "kW")]
    out: list[Finding] = []
    for heat, capacity, medium in ((loads.room_air_kw, air_kw, "air"), (loads.facility_liquid_kw, liquid_kw, "liquid")):
        if heat <= 0:
            continue
        if capacity <= 0:
            out.append(Finding(ERROR, "site.cooling.exceeded", "site",
                               f"site: {heat:.0f} kW of heat goes to {medium} and the site has no {medium} cooling",
                               round_sig(heat), 0.0, "kW"))
            continue
        found = over_limit("site.cooling.exceeded", "site", heat, capacity, "kW",
                           f"heat to {medium} is above the site's {medium} cooling")
        if found:
            out.append(found)
    return out


def _units(df: DesignFacts, equipment: tuple[str, ...]) -> list[float]:
    """Capacities (kW) of every facility unit of these kinds: listed ones and in-rack ones."""
    caps: list[float] = []
    for entry in df.design.facility:
        item = df.resolve(entry.model)
        if isinstance(item, FacilityCooling) and item.equipment in equipment:
            caps.extend([float(item.capacity_kw)] * entry.count)
    if "cdu" in equipment:
        for f in df.racks:
            for _, item in f.devices:
                if isinstance(item, FacilityCooling) and item.equipment == "cdu":
                    caps.append(float(item.capacity_kw))
    return caps


def equipment_capacity(code: str, subject: str, load_kw: float, caps: list[float], redundancy: str,
                       what: str) -> list[Finding]:
    """Capacity and redundancy of a set of cooling units (CDUs or CRAHs).

    ``site.cooling.cdu_capacity`` / ``…crah_capacity``: load > Σ capacity (error; warning > 90 %).
    ``site.cooling.cdu_redundancy`` / ``…crah_redundancy`` (warning): the redundancy target is not
    met: N+1 → Σ capacity − largest unit ≥ load; 2N → Σ ≥ 2 × load; 2N+1 → Σ − largest ≥ 2 × load.
    Worked example: 900 kW of cold-plate heat on 2 × cdu-1350kw: capacity 2,700 ≥ 900 and
    N+1: 2,700 − 1,350 = 1,350 ≥ 900 → fine; on 1 × cdu-1350kw → N+1 lost (0 < 900) → warning.
    """
    total = sum(caps)
    found = over_limit(f"site.cooling.{code}_capacity", subject, load_kw, total, "kW",
                       f"{what} heat is above the capacity of the {code.upper()}s")
    if found:
        return [found]
    spare = SPARE_UNITS.get(redundancy, 0)
    remaining = total - (max(caps) if spare and caps else 0.0)
    need = LOAD_MULTIPLIER.get(redundancy, 1) * load_kw
    if remaining < need:
        return [Finding(WARNING, f"site.cooling.{code}_redundancy", subject,
                        f"{subject}: {redundancy} on {code.upper()}s needs {need:.0f} kW with "
                        f"{'the largest unit out' if spare else 'both paths'}; {remaining:.0f} kW remain",
                        round_sig(need), round_sig(remaining), "kW")]
    return []


def facility_equipment(df: DesignFacts, loads: SiteLoads, redundancy: str) -> list[Finding]:
    """CDUs against cold-plate heat; CRAHs (when listed) against room-air heat.

    Cold-plate heat with no CDU at all → ``site.cooling.no_cdu`` (warning).
    """
    out: list[Finding] = []
    cdus = _units(df, ("cdu",))
    if loads.cold_plate_kw > 0:
        if not cdus:
            out.append(Finding(WARNING, "site.cooling.no_cdu", "facility",
                               f"facility: {loads.cold_plate_kw:.0f} kW of cold-plate heat and no CDU listed",
                               round_sig(loads.cold_plate_kw), 0.0, "kW"))
        else:
            out += equipment_capacity("cdu", "facility", loads.cold_plate_kw, cdus, redundancy, "cold-plate")
    crahs = _units(df, ("crah", "inrow"))
    if crahs and loads.room_air_kw > 0:
        out += equipment_capacity("crah", "facility", loads.room_air_kw, crahs, redundancy, "room-air")
    return out


def site_findings(df: DesignFacts, loads: SiteLoads) -> list[Finding]:
    site = df.design.site
    return (site_power(loads, site.it_power_kw, site.pue, site.facility_power_kw)
            + site_cooling(loads, site.cooling.air_kw, site.cooling.liquid_kw)
            + facility_equipment(df, loads, site.redundancy))
