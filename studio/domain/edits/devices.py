"""Edits inside a rack: devices into U slots (add, move, remove, auto-fill), its PDUs and cooling.

A device is named by its index in ``rack.devices`` (the order of the design, lowest U first):
the elevation posts that index, and the version check makes sure it means the same device.
Slots follow the one definition of occupancy, ``layout.occupied_u``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..catalog import Catalog, FacilityCooling, Pdu, RackCooling, Storage, Switch, System
from ..design import FEEDS, Design, DevicePlacement, PduPlacement, RackPlacement
from ..designfile import is_placeable
from ..layout import device_height_u, lookup, occupied_u, rack_dims
from ..rules.facts import _Resolver, rack_facts
from .base import Applied, EditError, catalog_item, find_racks, racks_inverse, with_racks

# How far auto-fill may go past a cooling limit: float rounding only (1e-9 kW).
COOLING_SLACK_KW = 1e-9


@dataclass(frozen=True)
class RackLimits:
    """A rack's envelope and what it uses: U, power (kW), heat to air/liquid (kW), load (kg)."""

    u_used: int
    u_total: int
    power_kw: float
    power_limit_kw: float
    heat_air_kw: float
    air_limit_kw: float
    heat_liquid_kw: float
    liquid_limit_kw: float
    load_kg: float
    load_limit_kg: float

    @property
    def within(self) -> bool:
        """Power, cooling and load all within their limits (what auto-fill keeps to)."""
        return not (self.power_kw > self.power_limit_kw
                    or self.heat_air_kw > self.air_limit_kw + COOLING_SLACK_KW
                    or self.heat_liquid_kw > self.liquid_limit_kw + COOLING_SLACK_KW
                    or (self.load_limit_kg and self.load_kg > self.load_limit_kg))


def rack_limits(catalog: Catalog, rack: RackPlacement, tile_mm: int = 600) -> RackLimits:
    """The rack meters. Power limit: the usable power of the smaller feed when the rack has PDUs
    on both A and B (each feed must carry the rack alone), else of all its PDUs (plus a rack-scale
    system's power shelves).

    Worked example: a 48 U cabinet with one 60 A 415 V PDU per feed (34.5 kW usable each) →
    power limit 34.5 kW; two DGX H100 (10.2 kW each) and an active rear door (2 kW) use 22.4 kW of it.
    """
    facts = rack_facts(rack, _Resolver(catalog), tile_mm)
    a, b = facts.feed_capacity_w("A"), facts.feed_capacity_w("B")
    power_limit = min(a, b) if a and b else facts.pdu_capacity_w
    max_load = 0.0
    if facts.rack_system is not None:
        power_limit += facts.rack_system.rack_power_capacity_w
        max_load = facts.rack_system.rack_max_load_kg
    elif facts.cabinet is not None:
        max_load = facts.cabinet.max_load_kg
    used = sum(1 for u in occupied_u(catalog, rack) if 1 <= u <= facts.u_height)
    cooling = facts.cooling
    return RackLimits(
        u_used=used, u_total=facts.u_height,
        power_kw=facts.power_max_w / 1000, power_limit_kw=power_limit / 1000,
        heat_air_kw=facts.heat_air_w / 1000, air_limit_kw=cooling.max_air_heat_kw if cooling else 0.0,
        heat_liquid_kw=facts.heat_liquid_w / 1000, liquid_limit_kw=cooling.max_liquid_heat_kw if cooling else 0.0,
        load_kg=facts.load_kg, load_limit_kg=max_load)


def _no_slots(catalog: Catalog, rack: RackPlacement) -> None:
    model = lookup(catalog, rack.model)
    if isinstance(model, System) and model.is_rack_scale:
        raise EditError(f"{rack.id} is a {model.name}: a rack-scale system has no free U slots")


def check_slot(catalog: Catalog, rack: RackPlacement, item, u: int, skip: int | None = None) -> None:
    """Refuse a device at ``u`` that leaves the rack or lands on a taken U (``skip``: the device's own index)."""
    _no_slots(catalog, rack)
    top = rack_dims(catalog, rack.model)[0]
    h = device_height_u(item)
    if u < 1 or u + h - 1 > top:
        raise EditError(f"{item.name} ({h} U) at U{u} needs U{u}–U{u + h - 1}, but {rack.id} has U1–U{top}")
    taken = occupied_u(catalog, rack, skip)
    for slot in range(u, u + h):
        if slot in taken:
            raise EditError(f"U{slot} of {rack.id} is taken by {taken[slot]}: drop {item.name} on a free slot")


def placeable(catalog: Catalog, slug: str | None):
    """A catalog item that goes in a rack's U slots; refused with where it goes instead."""
    item = catalog_item(catalog, slug, (System, Switch, Storage, FacilityCooling),
                        "a system, switch, storage appliance or in-rack cooling unit")
    if not is_placeable(item):
        raise EditError(f"{item.name} does not go in a rack's U slots"
                        + (": drop it on the floor as a rack of its own" if isinstance(item, System) else ""))
    return item


def with_devices(rack: RackPlacement, devices) -> RackPlacement:
    """The rack with these devices, lowest U first (stable for devices on the same U)."""
    return replace(rack, devices=tuple(sorted(devices, key=lambda dev: dev.u)))


def _one_rack(design: Design, label: str) -> RackPlacement:
    return find_racks(design, [label])[0]


def _device(rack: RackPlacement, index: int) -> DevicePlacement:
    if not 0 <= index < len(rack.devices):
        raise EditError(f"That device is no longer in {rack.id}")
    return rack.devices[index]


def _changed(design: Design, rack: RackPlacement, message: str) -> Applied:
    return Applied(with_racks(design, {rack.id: rack}), racks_inverse(design, [rack.id]), message, racks=(rack.id,))


def add_device(design: Design, catalog: Catalog, label: str, model: str, u: int) -> Applied:
    rack = _one_rack(design, label)
    item = placeable(catalog, model)
    check_slot(catalog, rack, item, u)
    new = with_devices(rack, rack.devices + (DevicePlacement(item.slug, u),))
    return _changed(design, new, f"Added {item.name} to {rack.id} at U{u}")


def move_device(design: Design, catalog: Catalog, label: str, index: int, u: int) -> Applied:
    rack = _one_rack(design, label)
    device = _device(rack, index)
    item = lookup(catalog, device.model)
    if item is None:
        raise EditError(f"'{device.model}' is no longer in the catalog: remove it instead")
    check_slot(catalog, rack, item, u, skip=index)
    devices = list(rack.devices)
    devices[index] = DevicePlacement(device.model, u)
    return _changed(design, with_devices(rack, devices), f"Moved {item.name} in {rack.id} from U{device.u} to U{u}")


def remove_device(design: Design, catalog: Catalog, label: str, index: int) -> Applied:
    rack = _one_rack(design, label)
    device = _device(rack, index)
    item = lookup(catalog, device.model)
    devices = rack.devices[:index] + rack.devices[index + 1:]
    return _changed(design, replace(rack, devices=devices),
                    f"Removed {item.name if item else device.model} from {rack.id}")


def autofill_rack(design: Design, catalog: Catalog, label: str, model: str) -> Applied:
    """Pack a system into the rack's free U slots from the bottom up, while the rack stays within
    its power (see ``rack_limits``), air and liquid cooling, U and load limits."""
    rack = _one_rack(design, label)
    item = placeable(catalog, model)
    tile_mm = design.site.tile_mm
    _no_slots(catalog, rack)
    top = rack_dims(catalog, rack.model)[0]
    h = device_height_u(item)
    current, added, u = rack, 0, 1
    while u + h - 1 <= top:
        taken = occupied_u(catalog, current)
        if any(slot in taken for slot in range(u, u + h)):
            u += 1
            continue
        trial = with_devices(current, current.devices + (DevicePlacement(item.slug, u),))
        if not rack_limits(catalog, trial, tile_mm).within:
            break
        current, added, u = trial, added + 1, u + h
    if not added:
        lim = rack_limits(catalog, with_devices(rack, rack.devices + (DevicePlacement(item.slug, 1),)), tile_mm)
        raise EditError(f"Not one more {item.name} fits in {rack.id} within its power "
                        f"({lim.power_limit_kw:.1f} kW usable), cooling (air {lim.air_limit_kw:g} kW, liquid "
                        f"{lim.liquid_limit_kw:g} kW) and free U")
    return _changed(design, current, f"Auto-filled {rack.id} with {added} × {item.name}")


def set_rack(design: Design, catalog: Catalog, label: str, cooling: str,
             pdus: dict[str, tuple[str, int]]) -> Applied:
    """The rack's cooling method and its PDUs: per feed (A, B) a PDU model and how many (0: none)."""
    rack = _one_rack(design, label)
    method = catalog_item(catalog, cooling, (RackCooling,), "a rack cooling method").slug
    placed: list[PduPlacement] = []
    for feed in FEEDS:
        slug, count = pdus.get(feed, ("", 0))
        if slug and count:
            pdu = catalog_item(catalog, slug, (Pdu,), "a rack PDU")
            placed.extend([PduPlacement(pdu.slug, feed)] * count)
    return _changed(design, replace(rack, cooling=method, pdus=tuple(placed)),
                    f"Updated the cooling and PDUs of {rack.id}")
