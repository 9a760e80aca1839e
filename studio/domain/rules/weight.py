"""Weight: what a rack cabinet carries, and what the floor under it carries.

Rack total weight = empty cabinet (or the whole rack-scale system) + devices + PDUs + the rack
cooling add-on (an RDHx door weighs ~30–36 kg, hardware.md §2.3). A cabinet's load rating
(``max_load_kg``) is for what it carries, so the cabinet's own weight is not part of its load.
"""

from __future__ import annotations

from ..units import MM_PER_M
from .facts import RackFacts
from .finding import Finding, over_limit
from .space import COLD_AISLE_MIN_MM, HOT_AISLE_MIN_MM


def rack_weight(facts: RackFacts) -> list[Finding]:
    """``rack.weight.over_capacity``: load_kg > the cabinet's ``max_load_kg``.

    load_kg = Σ device kg + Σ PDU kg + cooling add-on kg. For a rack-scale system the limit is its
    ``rack_max_load_kg`` (when the catalog gives one) and the load is the system plus any extras;
    the 90 % warning applies there only once devices are added (the vendor's rack as shipped).
    Error above the rating, warning above 90 %.
    Worked example: 4 × DGX B200 (4 × 142.4 = 569.6 kg) + 4 PDUs (4 × 10 kg) + RDHx door 36 kg
    = 645.6 kg in a cabinet rated 800 kg → 81 %, fine; a fifth B200 → 788 kg (98.5 %) → warning.
    """
    warn = True
    if facts.rack_system is not None:
        limit = facts.rack_system.rack_max_load_kg
        load = facts.rack_system.weight_kg + facts.load_kg
        label = f"weight is above the load rating of the {facts.rack_system.slug} rack"
        warn = bool(facts.devices)  # the vendor's own rack, as shipped: no 90 % warning
    elif facts.cabinet is not None:
        limit = facts.cabinet.max_load_kg
        load = facts.load_kg
        label = f"equipment weight is above the {facts.cabinet.slug} cabinet's load rating"
    else:
        return []
    if limit <= 0 or load <= 0:
        return []
    found = over_limit("rack.weight.over_capacity", facts.id, load, limit, "kg", label, warn=warn)
    return [found] if found else []


def floor_area_m2(facts: RackFacts) -> float:
    """The floor area a rack's weight is spread over, in m².

    Choice: slab and raised-floor design values are averaged over rack + aisle (hardware.md §4,
    "Floor loading"), so a rack is given its footprint plus half of the cold aisle in front and
    half of the hot aisle behind it, as wide as the rack:
        area = width × (depth + ½ · 1.2 m + ½ · 0.9 m).
    Worked example: 600 × 1,200 mm → 0.6 × (1.2 + 0.6 + 0.45) = 1.35 m².
    (Footprint only would be 0.72 m², which no slab rated per area is designed against; point
    loads per caster are a separate check the catalog has no tile rating for yet.)
    """
    width_m = facts.width_mm / MM_PER_M
    depth_m = facts.depth_mm / MM_PER_M + (COLD_AISLE_MIN_MM + HOT_AISLE_MIN_MM) / 2.0 / MM_PER_M
    return width_m * depth_m


def floor_load(facts: RackFacts, floor_max_kg_per_m2: float) -> list[Finding]:
    """``floor.load.exceeded``: rack total kg ÷ ``floor_area_m2`` > the site's ``floor_max_kg_per_m2``.

    Error above the rating, warning above 90 %.
    Worked example: a GB200 NVL72 (1,360 kg) on 600 × 1,200 mm → 1,360 / 1.35 = 1,007 kg/m²:
    fine on a 1,500 kg/m² slab, an error on a 730 kg/m² raised floor.
    """
    area = floor_area_m2(facts)
    if area <= 0 or facts.weight_kg <= 0:
        return []
    found = over_limit("floor.load.exceeded", facts.id, facts.weight_kg / area, floor_max_kg_per_m2, "kg/m²",
                       "floor load (rack weight over its footprint and half the aisles) is above the floor rating")
    return [found] if found else []


def rack_weight_findings(facts: RackFacts, floor_max_kg_per_m2: float) -> list[Finding]:
    return rack_weight(facts) + floor_load(facts, floor_max_kg_per_m2)
