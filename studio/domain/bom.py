"""The bill of materials of a design: every item to buy, with counts, list prices and totals.

Pure Python. ``bill_of_materials(design, catalog, totals)`` takes the design, the catalog and the
totals of ``rules.validate`` — the one truth for fabric, cable and optic counts and for power and
heat: this module counts what the design places (systems, racks, PDUs, storage, facility units)
and reads everything the fabric sizer decided (switches per fabric and tier, cables and
transceivers by media and per fabric at its link speed) from the totals. It sizes nothing itself:
each fabric's optics are priced at that fabric's own port speed (400G compute links as 400G parts
beside 800G storage links).

Prices come from the catalog (``Item.price``: ``list_usd, currency, date, source, confidence``).
An item without a price shows "no list price" and is left out of the capex total, which says so;
nothing is invented. GPUs and NICs come inside their systems: they are counted, not priced again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .catalog import (
    Accelerator,
    Catalog,
    FacilityCooling,
    Item,
    Nic,
    Price,
    RackCooling,
    Storage,
    Switch,
    System,
    Transceiver,
)
from .design import Design
from .totals import Totals

SECTIONS = ("Compute", "Racks and power", "Network switches", "NICs", "Cables and optics", "Storage",
            "Facility cooling")
TIERS = ("leaf", "spine", "core")
FABRIC_LABELS = {"compute": "compute fabric", "storage": "storage fabric", "inband": "in-band network",
                 "oob": "out-of-band network"}
# validate's cable media → the catalog transceiver media that prices it (network.py types cables
# as dac / multimode / singlemode / rj45; an RJ45 link is a Cat6 twisted-pair patch cord).
CABLE_ITEM_MEDIA = {"dac": "dac", "rj45": "twisted-pair"}
OPTIC_MEDIA = ("multimode", "singlemode")
REACH_CLASS = {"dac": "passive copper, short reach", "multimode": "multimode optics, medium reach",
               "singlemode": "singlemode optics, long reach", "rj45": "Cat6 copper, ≤ 100 m"}


@dataclass(frozen=True)
class BomLine:
    """One line: ``quantity`` × ``slug``; ``unit_price_usd`` None means no list price in the catalog.

    ``included_in`` names what the item comes inside (a GPU in its system): counted, never priced.
    """

    section: str
    description: str
    quantity: int
    slug: str = ""
    unit_price_usd: float | None = None
    included_in: str = ""
    note: str = ""
    price_source: str = ""
    price_confidence: str = ""
    price_date: str = ""

    @property
    def extended_usd(self) -> float | None:
        """quantity × unit price (None without a price). Worked example: 32 × $300,000 = $9,600,000."""
        if self.unit_price_usd is None or self.included_in:
            return None
        return self.quantity * self.unit_price_usd

    @property
    def priced(self) -> bool:
        return self.extended_usd is not None

    @property
    def status(self) -> str:
        if self.included_in:
            return f"included in {self.included_in}"
        return "list price" if self.priced else "no list price"


@dataclass(frozen=True)
class BomSource:
    """Where a priced item's list price comes from: the catalog's own ``Price`` record."""

    slug: str
    name: str
    price: Price


@dataclass(frozen=True)
class BillOfMaterials:
    design_name: str
    lines: tuple[BomLine, ...]
    totals: Totals
    sources: tuple[BomSource, ...] = ()
    power: dict = field(default_factory=dict)

    @property
    def capex_usd(self) -> float:
        """Σ extended prices of the priced lines (lines without a list price are not in it)."""
        return sum(line.extended_usd or 0.0 for line in self.lines)

    @property
    def unpriced_lines(self) -> list[BomLine]:
        return [line for line in self.lines if not line.priced and not line.included_in]

    def section(self, name: str) -> list[BomLine]:
        return [line for line in self.lines if line.section == name]

    def section_usd(self, name: str) -> float:
        return sum(line.extended_usd or 0.0 for line in self.section(name))

    @property
    def sections(self) -> list[str]:
        return [s for s in SECTIONS if self.section(s)]


def price_of(item: Item | None):
    """The catalog price of an item (``Item.price``) or None."""
    return getattr(item, "price", None) if item is not None else None


def _line(section: str, item: Item | None, quantity: int, description: str = "", *, slug: str = "",
          included_in: str = "", note: str = "") -> BomLine:
    price = price_of(item)
    return BomLine(
        section=section, description=description or (item.name if item is not None else slug),
        quantity=int(quantity), slug=item.slug if item is not None else slug,
        unit_price_usd=None if price is None or included_in else float(price.list_usd), included_in=included_in,
        note=note, price_source=price.source if price is not None and not included_in else "",
        price_confidence=price.confidence if price is not None and not included_in else "",
        price_date=price.date if price is not None and not included_in else "")


def _get(catalog: Catalog, slug: str) -> Item | None:
    return catalog.get(slug) if slug in catalog else None


def _placed(design: Design, catalog: Catalog) -> dict[str, Counter]:
    """Counts by slug of what the racks hold: systems, rack cabinets, PDUs, rack cooling methods,
    switches, storage appliances and facility units placed in racks."""
    systems, cabinets, pdus, coolings, switches, storage, facility = (Counter() for _ in range(7))
    for rack in design.racks:
        model = _get(catalog, rack.model)
        if isinstance(model, System):
            systems[rack.model] += 1  # a rack-scale system is its own rack
        else:
            cabinets[rack.model] += 1
        pdus.update(p.model for p in rack.pdus)
        coolings[rack.cooling] += 1
        for dev in rack.devices:
            item = _get(catalog, dev.model)
            target = (systems if isinstance(item, System) else switches if isinstance(item, Switch)
                      else storage if isinstance(item, Storage) else facility if isinstance(item, FacilityCooling)
                      else None)
            if target is not None:
                target[dev.model] += 1
    return {"systems": systems, "cabinets": cabinets, "pdus": pdus, "coolings": coolings, "switches": switches,
            "storage": storage, "facility": facility}


def _compute_lines(catalog: Catalog, systems: Counter) -> list[BomLine]:
    lines: list[BomLine] = []
    gpus: Counter = Counter()
    hosts: dict[str, list[str]] = {}
    for slug, n in sorted(systems.items()):
        item = _get(catalog, slug)
        gpu_note = ""
        if isinstance(item, System) and item.accelerators:
            gpus[item.accelerator] += n * item.accelerators
            hosts.setdefault(item.accelerator, []).append(item.name)
            gpu_note = f"{item.accelerators} GPUs each"
        lines.append(_line("Compute", item, n, slug=slug, note=gpu_note))
    for slug, n in sorted(gpus.items()):
        item = _get(catalog, slug)
        name = f"{item.name} GPUs" if isinstance(item, Accelerator) else f"{slug} GPUs"
        lines.append(_line("Compute", item, n, name, slug=slug, included_in=" and ".join(hosts[slug])))
    return lines


def _rack_lines(catalog: Catalog, cabinets: Counter, pdus: Counter, coolings: Counter) -> list[BomLine]:
    lines = [_line("Racks and power", _get(catalog, s), n, slug=s, note="rack cabinet") for s, n in sorted(cabinets.items())]
    lines += [_line("Racks and power", _get(catalog, s), n, slug=s, note="rack PDU") for s, n in sorted(pdus.items())]
    for slug, n in sorted(coolings.items()):
        item = _get(catalog, slug)
        if slug == "air":  # room air: the CRAHs under facility cooling remove it, nothing per rack to buy
            continue
        note = "per-rack cooling" if isinstance(item, RackCooling) else "per-rack cooling (unknown method)"
        lines.append(_line("Racks and power", item, n, slug=slug, note=note))
    return lines


def _switch_lines(catalog: Catalog, totals: Totals, placed_switches: Counter) -> list[BomLine]:
    """Per fabric and tier from validate's totals; switches placed in racks beyond what the sizing
    needs (a model no fabric uses, or more than it needs) are bought too."""
    lines: list[BomLine] = []
    sized: Counter = Counter()
    for role, plan in totals.switches.items():
        item = _get(catalog, plan["model"])
        for tier in TIERS:
            n = int(plan.get(tier, 0) or 0)
            if n:
                sized[plan["model"]] += n
                name = item.name if item is not None else plan["model"]
                lines.append(_line("Network switches", item, n, f"{name} — {FABRIC_LABELS.get(role, role)}, {tier}",
                                   slug=plan["model"], note=f"{role} {tier}"))
    for slug, n in sorted(placed_switches.items()):
        extra = n - sized[slug]
        if extra > 0:
            item = _get(catalog, slug)
            lines.append(_line("Network switches", item, extra,
                               f"{item.name if item is not None else slug} — placed in racks beyond the fabric sizing",
                               slug=slug, note="placed"))
    return lines


def _nic_for(catalog: Catalog, speed_gbps: float) -> Nic | None:
    found = [n for n in catalog.of_kind(Nic) if n.port_speed_gbps == speed_gbps]
    found.sort(key=lambda n: (n.ports, n.slug))  # one port per GPU rail: the single-port card first
    return found[0] if found else None


def _nic_lines(catalog: Catalog, systems: Counter) -> list[BomLine]:
    """NIC ports of the systems (compute, storage, in-band management): counted, inside the systems."""
    ports: Counter = Counter()
    hosts: dict[tuple, set] = {}
    for slug, n in systems.items():
        item = _get(catalog, slug)
        if not isinstance(item, System):
            continue
        for purpose, count, speed in (("compute", item.compute_ports, item.compute_port_gbps),
                                      ("storage", item.storage_ports, item.storage_port_gbps),
                                      ("in-band management", item.inband_ports, 0.0)):
            if count:
                ports[(purpose, speed)] += n * count
                hosts.setdefault((purpose, speed), set()).add(item.name)
    lines = []
    order = {"compute": 0, "storage": 1, "in-band management": 2}
    for (purpose, speed), n in sorted(ports.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        nic = _nic_for(catalog, speed) if speed else None  # the catalog gives no in-band port speed
        label = (f"{purpose.capitalize()} NIC ports" + (f", {speed:g} Gb/s" if speed else "")
                 + (f" ({nic.name})" if nic else ""))
        lines.append(_line("NICs", nic, n, label, slug=nic.slug if nic else "",
                           included_in=" and ".join(sorted(hosts[(purpose, speed)]))))
    return lines


def link_speed_gbps(design: Design, catalog: Catalog) -> float:
    """The fastest data fabric's switch port speed: what cables and optics are priced at only when the
    totals carry no per-fabric links (``Totals.fabric_links``; validate always gives them)."""
    speeds = [item.port_speed_gbps for role, fabric in design.fabrics.items() if role != "oob"
              for item in [_get(catalog, fabric.model)] if isinstance(item, Switch)]
    return max(speeds) if speeds else 0.0


def _transceiver_for(catalog: Catalog, media: str, speed_gbps: float):
    found = [t for t in catalog.of_kind(Transceiver) if t.media == media]
    if not found:
        return None
    exact = [t for t in found if t.speed_gbps == speed_gbps]
    pool = exact or [t for t in found if t.speed_gbps >= speed_gbps] or found
    return min(pool, key=lambda t: (abs(t.speed_gbps - speed_gbps), t.reach_m, t.slug))


def _speed_note(item, media: str, speed_gbps: float) -> str:
    if item is None or media == "rj45" or not speed_gbps or item.speed_gbps == speed_gbps:
        return ""
    return f"; priced as the {item.speed_gbps:g} Gb/s part (the catalog has no {speed_gbps:g} Gb/s {media})"


def links_by_speed(design: Design, catalog: Catalog, totals: Totals) -> tuple[Counter, Counter, dict]:
    """(cables, transceivers, fabrics) keyed by (media, link speed in Gb/s), summed over the fabrics
    of ``totals.fabric_links``; ``fabrics[(media, speed)]`` lists the roles. RJ45 and unplaced
    links carry speed 0 (one part whatever the fabric). Worked example (GB200 NVL72 SU): compute
    links at 400 Gb/s, storage and in-band at 800 Gb/s → 400G and 800G multimode optics apart.
    """
    links = totals.fabric_links or {"": {"speed_gbps": link_speed_gbps(design, catalog), "cables": totals.cables,
                                         "transceivers": totals.transceivers}}
    cables: Counter = Counter()
    optics: Counter = Counter()
    roles: dict[tuple, list[str]] = {}
    for role, entry in links.items():
        speed = float(entry.get("speed_gbps", 0.0) or 0.0)
        for counter, counts in ((cables, entry.get("cables", {})), (optics, entry.get("transceivers", {}))):
            for media, n in counts.items():
                key = (media, 0.0 if media in ("rj45", "unplaced") else speed)
                counter[key] += n
                if role and role not in roles.setdefault(key, []):
                    roles[key].append(role)
    return cables, optics, roles


def _for_whom(roles: list[str]) -> str:
    return (" (" + ", ".join(FABRIC_LABELS.get(r, r) for r in roles) + ")") if roles else ""


def _cable_lines(design: Design, catalog: Catalog, totals: Totals) -> list[BomLine]:
    """Cables and optics per media and per fabric link speed: each fabric's optics at its own speed."""
    cables, optics, roles = links_by_speed(design, catalog, totals)
    lines: list[BomLine] = []
    for (media, speed), n in sorted(cables.items()):
        if not n:
            continue
        reach, at = REACH_CLASS.get(media, media), (f", {speed:g} Gb/s" if speed else "")
        if media in CABLE_ITEM_MEDIA:
            item = _transceiver_for(catalog, CABLE_ITEM_MEDIA[media], 1.0 if media == "rj45" else speed)
            name = item.name if item is not None else f"{media} cable"
            lines.append(_line("Cables and optics", item, n, f"{name} — {reach}{_for_whom(roles[(media, speed)])}",
                               slug=item.slug if item is not None else media,
                               note=f"cables: {media}{at}" + _speed_note(item, media, speed)))
        elif media in OPTIC_MEDIA:
            lines.append(_line("Cables and optics", None, n, f"{media.capitalize()} fiber patch cords — {reach}"
                               f"{_for_whom(roles[(media, speed)])}", slug=f"fiber-{media}",
                               note=f"cables: {media}{at}; no fiber cord in the catalog"))
        else:  # "unplaced": cables of switches not yet placed, media unknown until they are
            lines.append(_line("Cables and optics", None, n, "Cables of switches not placed in a rack "
                               "(media decided when they are placed)", slug=media, note=f"cables: {media}"))
    for (media, speed), n in sorted(optics.items()):
        if not n:
            continue
        item = _transceiver_for(catalog, media, speed)
        name = item.name if item is not None else f"{media} transceiver"
        lines.append(_line("Cables and optics", item, n, f"{name} — {REACH_CLASS.get(media, media)}"
                           f"{_for_whom(roles[(media, speed)])}", slug=item.slug if item is not None else media,
                           note=f"transceivers: {media}, {speed:g} Gb/s, two per link" + _speed_note(item, media, speed)))
    return lines


def _storage_lines(design: Design, catalog: Catalog, placed: Counter) -> list[BomLine]:
    """Per model max(listed count, placed count), as ``rules.storage`` counts appliances."""
    listed: Counter = Counter()
    for entry in design.storage:
        listed[entry.model] += entry.count
    models = sorted(set(listed) | set(placed))
    return [_line("Storage", _get(catalog, s), max(listed[s], placed[s]), slug=s) for s in models
            if max(listed[s], placed[s])]


def _facility_lines(design: Design, catalog: Catalog, placed: Counter) -> list[BomLine]:
    """Listed facility units plus those placed in racks, as ``rules.site`` counts them."""
    counts: Counter = Counter()
    for entry in design.facility:
        counts[entry.model] += entry.count
    counts.update(placed)
    return [_line("Facility cooling", _get(catalog, s), n, slug=s) for s, n in sorted(counts.items()) if n]


def _sources(lines, catalog: Catalog) -> tuple[BomSource, ...]:
    seen: dict[str, BomSource] = {}
    for line in lines:
        item = _get(catalog, line.slug) if line.slug else None
        price = price_of(item)
        if line.priced and price is not None and item.slug not in seen:
            seen[item.slug] = BomSource(item.slug, item.name, price)
    return tuple(sorted(seen.values(), key=lambda s: s.slug))


def bill_of_materials(design: Design, catalog: Catalog, totals: Totals) -> BillOfMaterials:
    """Every item with its count and price, by section; power and heat from ``totals``.

    Worked example (the DGX H100 SU reference design): 32 DGX H100 and 256 H100 GPUs (inside them),
    10 rack cabinets, 36 PDUs, 8 active rear doors, compute fabric 8 leaf + 4 spine QM9700, storage
    3 leaf + 2 spine, in-band 1, out-of-band 4 + 2 — the counts of ``validate``'s totals — and
    the cables and optics by media of those totals (24 DAC, 728 multimode links with 1,456
    optics, 190 RJ45), each fabric's at its own link speed.
    """
    placed = _placed(design, catalog)
    lines = (_compute_lines(catalog, placed["systems"])
             + _rack_lines(catalog, placed["cabinets"], placed["pdus"], placed["coolings"])
             + _switch_lines(catalog, totals, placed["switches"]) + _nic_lines(catalog, placed["systems"])
             + _cable_lines(design, catalog, totals) + _storage_lines(design, catalog, placed["storage"])
             + _facility_lines(design, catalog, placed["facility"]))
    power = {"it_kw_max": totals.it_kw_max, "it_kw_typical": totals.it_kw_typical,
             "facility_kw": totals.facility_kw, "heat_air_kw": totals.heat_air_kw,
             "heat_liquid_kw": totals.heat_liquid_kw, "room_air_kw": totals.room_air_kw,
             "facility_liquid_kw": totals.facility_liquid_kw}
    return BillOfMaterials(design.name, tuple(lines), totals, _sources(lines, catalog), power)


POWER_LABELS = (("it_kw_max", "IT power (maximum)", "kW"), ("it_kw_typical", "IT power (typical)", "kW"),
                ("facility_kw", "Facility power (IT max × PUE)", "kW"), ("heat_air_kw", "Heat to air", "kW"),
                ("heat_liquid_kw", "Heat to liquid (cold plates)", "kW"),
                ("room_air_kw", "Heat the room's air handling removes", "kW"),
                ("facility_liquid_kw", "Heat into facility water", "kW"))

__all__ = ["POWER_LABELS", "SECTIONS", "BillOfMaterials", "BomLine", "BomSource", "bill_of_materials",
           "link_speed_gbps", "links_by_speed", "price_of"]
