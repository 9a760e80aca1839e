"""Edit operations of the interactive editor: one small change per call, checked, saved, validated.

Every operation takes the design row, the version the browser last saw and the posted fields;
it refuses bad input with an ``EditError`` whose message names the problem (nothing is saved),
bumps ``Design.version`` with ``UPDATE … WHERE version = expected`` (a stale tab gets
``StaleVersion``), writes only the rows that change, and returns a ``Change``: the new state
(domain design + validation report), which racks to repaint and the inverse for undo.

Speed: the state of the last version of a design is kept in memory (keyed by the design's code
and version, so it can never be mistaken for another version). A move or rotation then costs a
handful of small queries plus ``validate_rack`` for the racks whose findings can change (the moved
ones and their neighbours within an aisle's reach); site-wide findings and totals do not change
when a rack moves (``studio.domain.rules.validate_rack``).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from django import forms
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from catalog.source import get_catalog
from studio.domain import design as d
from studio.domain.catalog import Catalog, FacilityCooling, Pdu, Rack, RackCooling, Storage, Switch, System
from studio.domain.designfile import is_placeable
from studio.domain.layout import Footprint, TileGrid
from studio.domain.rules import Report, floor_grid, validate, validate_rack
from studio.domain.rules.facts import _Resolver, rack_facts
from studio.domain.rules.finding import SEVERITIES
from studio.domain.rules.space import COLD_AISLE_MIN_MM, HOT_AISLE_MIN_MM

from .models import Design, DevicePlacement, RackPlacement
from .services import StaleVersion, design_to_domain, designs_with_content
from .svg import device_height_u, lookup, rack_dims

MAX_STATES = 16  # designs whose last state is kept in memory per process
UNDO_DEPTH = 20  # edits per design that can be undone in a session
DEFAULT_PDU = "pdu-415v-60a-3ph"  # two per new cabinet, one on each feed (A/B)
DEFAULT_CABINET_COOLING = "air"
DEFAULT_RACK_SCALE_COOLING = "dlc"


class EditError(ValueError):
    """A change that cannot be made; the message says why, in words for the user."""

    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


@dataclass
class State:
    design: d.Design
    report: Report
    grid: TileGrid | None = None

    def index(self) -> dict[str, int]:
        return {r.id: i for i, r in enumerate(self.design.racks)}


@dataclass
class Change:
    state: State
    racks: list[str] = field(default_factory=list)  # rack ids to repaint
    removed: list[str] = field(default_factory=list)  # rack ids gone from the floor
    added: list[str] = field(default_factory=list)  # rack ids new on the floor
    full: bool = False  # repaint the whole floor plan
    panels: tuple[str, ...] = ()  # other panels to refresh: "site", "fabrics", "name"
    inverse: dict | None = None
    message: str = ""


_states: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _remember(row: Design, state: State) -> State:
    with _lock:
        _states[(row.code, row.version)] = state
        _states.move_to_end((row.code, row.version))
        while len(_states) > MAX_STATES:
            _states.popitem(last=False)
    return state


def _forget(row: Design, version: int) -> None:
    with _lock:
        _states.pop((row.code, version), None)


def load_state(row: Design, catalog: Catalog | None = None) -> State:
    """The design and its validation report at ``row.version`` (from memory when it is there)."""
    with _lock:
        state = _states.get((row.code, row.version))
    if state is not None:
        return state
    catalog = catalog or get_catalog()
    full = designs_with_content().get(pk=row.pk)
    design = design_to_domain(full)
    return _remember(full if full.version == row.version else row, State(design, validate(design, catalog)))


# --- input parsing -------------------------------------------------------------------------


def _int(data, name: str, what: str, *, minimum: int | None = None) -> int:
    raw = (data.get(name) or "").strip()
    try:
        value = int(raw)
    except ValueError:
        raise EditError(f"{what} must be a whole number (got '{raw[:20]}')") from None
    if minimum is not None and value < minimum:
        raise EditError(f"{what} must be at least {minimum} (got {value})")
    return value


def _labels(data, state: State) -> list[str]:
    labels = [label for label in data.getlist("rack") if label]
    if not labels:
        raise EditError("Select a rack first")
    index = state.index()
    for label in labels:
        if label not in index:
            raise EditError(f"There is no rack '{label[:40]}' in this design")
    return list(dict.fromkeys(labels))


def _rack(data, state: State) -> d.RackPlacement:
    return state.design.rack(_labels(data, state)[0])


def _catalog_item(catalog: Catalog, slug: str, kinds, what: str):
    item = lookup(catalog, slug or "")
    if item is None or not isinstance(item, kinds):
        raise EditError(f"'{(slug or '')[:60]}' is not {what} in the catalog")
    return item


# --- version and state bookkeeping ----------------------------------------------------------


def _bump(row: Design, expected: int) -> None:
    """``UPDATE design SET version = version + 1 WHERE id = … AND version = expected``."""
    if row.version != expected:
        raise StaleVersion(row.version)
    updated = Design.objects.filter(pk=row.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        current = Design.objects.filter(pk=row.pk).values_list("version", flat=True).first()
        raise StaleVersion(current or expected)
    row.version = expected + 1


def _with_racks(design: d.Design, racks: dict[str, d.RackPlacement | None],
                added: list[d.RackPlacement] = ()) -> d.Design:
    new = []
    for rack in design.racks:
        if rack.id in racks:
            if racks[rack.id] is not None:
                new.append(racks[rack.id])
        else:
            new.append(rack)
    return replace(design, racks=tuple(new) + tuple(added))


def _full_state(design: d.Design, catalog: Catalog) -> State:
    return State(design, validate(design, catalog))


def rack_dict(rack: d.RackPlacement, position: int) -> dict:
    return {"id": rack.id, "model": rack.model, "x": rack.x_tiles, "y": rack.y_tiles, "rotation": rack.rotation,
            "cooling": rack.cooling, "pdus": [[p.model, p.feed] for p in rack.pdus],
            "devices": [[dev.model, dev.u] for dev in rack.devices], "position": position}


def _rack_from_dict(data: dict) -> d.RackPlacement:
    return d.RackPlacement(id=data["id"], model=data["model"], x_tiles=data["x"], y_tiles=data["y"],
                           rotation=data["rotation"], cooling=data["cooling"],
                           pdus=tuple(d.PduPlacement(m, f) for m, f in data["pdus"]),
                           devices=tuple(d.DevicePlacement(m, u) for m, u in data["devices"]))


def _inverse_racks(state: State, labels) -> dict:
    index = state.index()
    return {"racks": {label: (rack_dict(state.design.racks[index[label]], index[label]) if label in index else None)
                      for label in labels}}


def _create_rack_rows(row: Design, racks: list[tuple[d.RackPlacement, int]]) -> None:
    rows = RackPlacement.objects.bulk_create([
        RackPlacement(design=row, label=r.id, model=r.model, x_tiles=r.x_tiles, y_tiles=r.y_tiles,
                      rotation=r.rotation, cooling=r.cooling, position=position,
                      pdus=[{"model": p.model, "feed": p.feed} for p in r.pdus]) for r, position in racks])
    DevicePlacement.objects.bulk_create([DevicePlacement(rack=rr, model=dev.model, u=dev.u)
                                         for rr, (r, _) in zip(rows, racks, strict=True) for dev in r.devices])


def _next_position(row: Design) -> int:
    top = RackPlacement.objects.filter(design=row).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- the floor: moving, rotating, adding, duplicating, deleting racks ---------------------------


def _fp(catalog: Catalog, rack: d.RackPlacement, tile_mm: int) -> Footprint:
    _, w_mm, d_mm = rack_dims(catalog, rack.model)
    return Footprint.of(rack.x_tiles, rack.y_tiles, w_mm, d_mm, rack.rotation, tile_mm)


def _check_placement(state: State, catalog: Catalog, racks: list[d.RackPlacement], ignore: set[str]) -> None:
    """Refuse footprints outside the hall or on tiles of racks other than ``ignore``."""
    site = state.design.site
    wt, dt = site.width_tiles, site.depth_tiles
    grid = _grid(state, catalog)
    taken: dict[tuple, str] = {}
    for rack in racks:
        fp = _fp(catalog, rack, site.tile_mm)
        if not fp.within(wt, dt):
            raise EditError(f"{rack.id} would stand outside the hall (tiles x {fp.x}–{fp.x + fp.w - 1}, "
                            f"y {fp.y}–{fp.y + fp.d - 1}; the hall is x 0–{wt - 1}, y 0–{dt - 1})")
        for tile in fp.tiles():
            other = grid.owner(tile)
            if other is not None and other not in ignore:
                raise EditError(f"{rack.id} would stand on tiles taken by {other}")
            if tile in taken:
                raise EditError(f"{rack.id} would stand on tiles taken by {taken[tile]}")
            taken[tile] = rack.id


def _grid(state: State, catalog: Catalog) -> TileGrid:
    if state.grid is None:
        state.grid = floor_grid(state.design, catalog)
    return state.grid


def _neighbours(grid: TileGrid, fp: Footprint, reach: int) -> set[str]:
    found = set()
    for x in range(fp.x - reach, fp.x + fp.w + reach):
        for y in range(fp.y - reach, fp.y + fp.d + reach):
            owner = grid.owner((x, y))
            if owner is not None:
                found.add(owner)
    return found


def _relocate(row: Design, expected: int, state: State, catalog: Catalog,
              moved: list[d.RackPlacement]) -> Change:
    """Save new positions/rotations of some racks and revalidate only the racks that can notice."""
    labels = {r.id for r in moved}
    _check_placement(state, catalog, moved, labels)
    inverse = _inverse_racks(state, labels)
    _bump(row, expected)
    for rack in moved:
        RackPlacement.objects.filter(design_id=row.pk, label=rack.id).update(
            x_tiles=rack.x_tiles, y_tiles=rack.y_tiles, rotation=rack.rotation)
    site = state.design.site
    grid = _grid(state, catalog)
    reach = max(math.ceil(COLD_AISLE_MIN_MM / site.tile_mm), math.ceil(HOT_AISLE_MIN_MM / site.tile_mm)) + 1
    affected = set(labels)
    index = state.index()
    for rack in moved:
        affected |= _neighbours(grid, _fp(catalog, state.design.racks[index[rack.id]], site.tile_mm), reach)
    for rack in moved:
        grid.remove(rack.id)
    for rack in moved:
        fp = _fp(catalog, rack, site.tile_mm)
        grid.place(rack.id, fp)
    for rack in moved:
        affected |= _neighbours(grid, _fp(catalog, rack, site.tile_mm), reach)
    design = _with_racks(state.design, {r.id: r for r in moved})
    findings = [f for f in state.report.findings if f.subject not in affected]
    for label in affected:
        findings.extend(validate_rack(design, catalog, label, grid))
    findings.sort(key=lambda f: f.sort_key)
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    report = Report(tuple(findings), replace(state.report.totals, findings=counts))
    new_state = State(design, report, grid)
    state.grid = None  # the old state's grid now belongs to the new state
    return Change(new_state, racks=sorted(affected), inverse=inverse)


def move_racks(row: Design, expected: int, data) -> Change:
    """Move the racks named ``rack`` by ``dx``/``dy`` tiles (one rack, or a selected row)."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    labels = _labels(data, state)
    dx, dy = _int(data, "dx", "The move along x"), _int(data, "dy", "The move along y")
    if dx == 0 and dy == 0:
        raise EditError("The racks did not move")
    moved = [replace(state.design.rack(label), x_tiles=state.design.rack(label).x_tiles + dx,
                     y_tiles=state.design.rack(label).y_tiles + dy) for label in labels]
    change = _relocate(row, expected, state, catalog, moved)
    change.message = f"Moved {', '.join(labels)}" if len(labels) < 4 else f"Moved {len(labels)} racks"
    return change


def rotate_racks(row: Design, expected: int, data) -> Change:
    """Turn each named rack 90° clockwise about its own corner."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    labels = _labels(data, state)
    moved = [replace(state.design.rack(label), rotation=(state.design.rack(label).rotation + 90) % 360)
             for label in labels]
    change = _relocate(row, expected, state, catalog, moved)
    change.message = f"Rotated {', '.join(labels)}" if len(labels) < 4 else f"Rotated {len(labels)} racks"
    return change


def _prefix(label: str) -> str:
    return label.rstrip("0123456789") or "R"


def _next_labels(existing: set[str], prefix: str, count: int) -> list[str]:
    numbers = [int(label[len(prefix):]) for label in existing
               if label.startswith(prefix) and label[len(prefix):].isdigit()]
    start = max(numbers, default=0) + 1
    out = []
    n = start
    while len(out) < count:
        label = f"{prefix}{n:02d}"
        if label not in existing:
            out.append(label)
        n += 1
    return out


def _new_row_prefix(existing: set[str]) -> str:
    used = {_prefix(label) for label in existing}
    for code in range(ord("A"), ord("Z") + 1):
        if chr(code) not in used:
            return chr(code)
    for first in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if first + second not in used:
                return first + second
    return "R"


def add_rack(row: Design, expected: int, data) -> Change:
    """A new rack cabinet or rack-scale system dropped on tile (``x``, ``y``)."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    model = _catalog_item(catalog, data.get("model"), (Rack, System), "a rack cabinet or rack-scale system")
    if isinstance(model, System) and not model.is_rack_scale:
        raise EditError(f"{model.name} is a server: drop it into a rack's elevation instead")
    x, y = _int(data, "x", "The tile x"), _int(data, "y", "The tile y")
    rotation = int(data.get("rotation") or 0)
    if rotation not in d.ROTATIONS:
        raise EditError("The rotation must be 0, 90, 180 or 270 degrees")
    existing = {r.id for r in state.design.racks}
    row_mates = [r for r in state.design.racks if r.y_tiles == y and r.rotation == rotation]
    prefix = _prefix(row_mates[0].id) if row_mates else _new_row_prefix(existing)
    label = _next_labels(existing, prefix, 1)[0]
    if isinstance(model, System):
        rack = d.RackPlacement(label, model.slug, x, y, rotation, DEFAULT_RACK_SCALE_COOLING)
    else:
        rack = d.RackPlacement(label, model.slug, x, y, rotation, DEFAULT_CABINET_COOLING,
                               pdus=(d.PduPlacement(DEFAULT_PDU, "A"), d.PduPlacement(DEFAULT_PDU, "B")))
    _check_placement(state, catalog, [rack], set())
    _bump(row, expected)
    _create_rack_rows(row, [(rack, _next_position(row))])
    design = _with_racks(state.design, {}, [rack])
    return Change(_full_state(design, catalog), racks=[label], added=[label],
                  inverse={"racks": {label: None}}, message=f"Added {label} ({model.name})")


def duplicate_racks(row: Design, expected: int, data) -> Change:
    """Copy the selected racks beside them: one rack goes next to itself along its row; a row goes
    behind itself, turned 180° so that the two rows share a hot aisle (backs facing)."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    labels = _labels(data, state)
    site = state.design.site
    racks = [state.design.rack(label) for label in labels]
    fps = [_fp(catalog, r, site.tile_mm) for r in racks]
    x0, y0 = min(f.x for f in fps), min(f.y for f in fps)
    x1, y1 = max(f.x + f.w for f in fps), max(f.y + f.d for f in fps)
    hot = math.ceil(HOT_AISLE_MIN_MM / site.tile_mm)
    existing = {r.id for r in state.design.racks}
    candidates = []
    if len(racks) == 1:
        r, fp = racks[0], fps[0]
        along_x = r.rotation in (0, 180)
        step = fp.w if along_x else fp.d
        for k in (1, -1):
            candidates.append([replace(r, x_tiles=r.x_tiles + k * step if along_x else r.x_tiles,
                                       y_tiles=r.y_tiles if along_x else r.y_tiles + k * step)])
        prefix_labels = _next_labels(existing, _prefix(r.id), 1)
    else:
        row_along_x = (x1 - x0) >= (y1 - y0)
        for k in (1, -1):
            moved = []
            for r in racks:
                if row_along_x:
                    offset = (y1 - y0 + hot) * k
                    moved.append(replace(r, y_tiles=r.y_tiles + offset, rotation=(r.rotation + 180) % 360))
                else:
                    offset = (x1 - x0 + hot) * k
                    moved.append(replace(r, x_tiles=r.x_tiles + offset, rotation=(r.rotation + 180) % 360))
            candidates.append(moved)
        prefix_labels = _next_labels(existing, _new_row_prefix(existing), len(racks))
    for candidate in candidates:
        copies = [replace(c, id=label) for c, label in zip(candidate, prefix_labels, strict=True)]
        try:
            _check_placement(state, catalog, copies, set())
        except EditError:
            continue
        _bump(row, expected)
        start = _next_position(row)
        _create_rack_rows(row, [(c, start + i) for i, c in enumerate(copies)])
        design = _with_racks(state.design, {}, copies)
        new = [c.id for c in copies]
        return Change(_full_state(design, catalog), racks=new, added=new,
                      inverse={"racks": dict.fromkeys(new)},
                      message=f"Duplicated {', '.join(labels)} as {', '.join(new)}" if len(new) < 4
                      else f"Duplicated {len(new)} racks")
    raise EditError("There is no free space beside the selection for a copy: make room or move it first")


def delete_racks(row: Design, expected: int, data) -> Change:
    catalog = get_catalog()
    state = load_state(row, catalog)
    labels = _labels(data, state)
    inverse = _inverse_racks(state, labels)
    _bump(row, expected)
    RackPlacement.objects.filter(design=row, label__in=labels).delete()
    design = _with_racks(state.design, dict.fromkeys(labels))
    return Change(_full_state(design, catalog), removed=labels, inverse=inverse,
                  message=f"Deleted {', '.join(labels)}" if len(labels) < 4 else f"Deleted {len(labels)} racks")


# --- inside a rack: devices, PDUs, cooling, auto-fill ------------------------------------------


def _rack_row(row: Design, label: str) -> RackPlacement:
    return RackPlacement.objects.get(design=row, label=label)


def _occupied(catalog: Catalog, rack: d.RackPlacement, skip_u: int | None = None) -> dict[int, str]:
    taken: dict[int, str] = {}
    for dev in rack.devices:
        if dev.u == skip_u:
            skip_u = None  # skip one device only
            continue
        item = lookup(catalog, dev.model)
        h = device_height_u(item) if item is not None else 1
        for u in range(dev.u, dev.u + h):
            taken[u] = item.name if item is not None else dev.model
    return taken


def _check_slot(catalog: Catalog, rack: d.RackPlacement, item, u: int, skip_u: int | None = None) -> None:
    model = lookup(catalog, rack.model)
    if isinstance(model, System) and model.is_rack_scale:
        raise EditError(f"{rack.id} is a {model.name}: a rack-scale system has no free U slots")
    top = rack_dims(catalog, rack.model)[0]
    h = device_height_u(item)
    if u < 1 or u + h - 1 > top:
        raise EditError(f"{item.name} ({h} U) at U{u} needs U{u}–U{u + h - 1}, but {rack.id} has U1–U{top}")
    taken = _occupied(catalog, rack, skip_u)
    for slot in range(u, u + h):
        if slot in taken:
            raise EditError(f"U{slot} of {rack.id} is taken by {taken[slot]}: drop {item.name} on a free slot")


def _set_devices(rack: d.RackPlacement, devices) -> d.RackPlacement:
    return replace(rack, devices=tuple(sorted(devices, key=lambda dev: dev.u)))


def _rack_change(row: Design, expected: int, state: State, catalog: Catalog, new_rack: d.RackPlacement,
                 message: str, inverse: dict) -> Change:
    """The change of one rack's contents: revalidated, that rack repainted, undoable by ``inverse``."""
    design = _with_racks(state.design, {new_rack.id: new_rack})
    return Change(_full_state(design, catalog), racks=[new_rack.id], message=message, inverse=inverse)


def _device_placeable(catalog: Catalog, slug: str):
    item = _catalog_item(catalog, slug, (System, Switch, Storage, FacilityCooling),
                         "a system, switch, storage appliance or in-rack cooling unit")
    if not is_placeable(item):
        raise EditError(f"{item.name} does not go in a rack's U slots"
                        + (": drop it on the floor as a rack of its own" if isinstance(item, System) else ""))
    return item


def add_device(row: Design, expected: int, data) -> Change:
    catalog = get_catalog()
    state = load_state(row, catalog)
    rack = _rack(data, state)
    item = _device_placeable(catalog, data.get("model"))
    u = _int(data, "u", "The U slot", minimum=1)
    _check_slot(catalog, rack, item, u)
    inverse = _inverse_racks(state, [rack.id])
    _bump(row, expected)
    DevicePlacement.objects.create(rack=_rack_row(row, rack.id), model=item.slug, u=u)
    return _rack_change(row, expected, state, catalog, _set_devices(rack, rack.devices + (d.DevicePlacement(item.slug, u),)),
                          f"Added {item.name} to {rack.id} at U{u}", inverse)


def _device_row(row: Design, rack: d.RackPlacement, data) -> DevicePlacement:
    device_id = _int(data, "device", "The device")
    found = DevicePlacement.objects.filter(pk=device_id, rack__design=row, rack__label=rack.id).first()
    if found is None:
        raise EditError(f"That device is no longer in {rack.id}")
    return found


def move_device(row: Design, expected: int, data) -> Change:
    catalog = get_catalog()
    state = load_state(row, catalog)
    rack = _rack(data, state)
    device = _device_row(row, rack, data)
    u = _int(data, "u", "The U slot", minimum=1)
    item = lookup(catalog, device.model)
    if item is None:
        raise EditError(f"'{device.model}' is no longer in the catalog: remove it instead")
    _check_slot(catalog, rack, item, u, skip_u=device.u)
    inverse = _inverse_racks(state, [rack.id])
    _bump(row, expected)
    old_u = device.u
    device.u = u
    device.save(update_fields=["u"])
    devices = list(rack.devices)
    for i, dev in enumerate(devices):
        if dev.model == device.model and dev.u == old_u:
            devices[i] = d.DevicePlacement(dev.model, u)
            break
    return _rack_change(row, expected, state, catalog, _set_devices(rack, devices),
                          f"Moved {item.name} in {rack.id} from U{old_u} to U{u}", inverse)


def remove_device(row: Design, expected: int, data) -> Change:
    catalog = get_catalog()
    state = load_state(row, catalog)
    rack = _rack(data, state)
    device = _device_row(row, rack, data)
    inverse = _inverse_racks(state, [rack.id])
    _bump(row, expected)
    device.delete()
    devices = list(rack.devices)
    for i, dev in enumerate(devices):
        if dev.model == device.model and dev.u == device.u:
            del devices[i]
            break
    item = lookup(catalog, device.model)
    return _rack_change(row, expected, state, catalog, _set_devices(rack, devices),
                          f"Removed {item.name if item else device.model} from {rack.id}", inverse)


@dataclass
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


def rack_limits(catalog: Catalog, rack: d.RackPlacement, tile_mm: int = 600) -> RackLimits:
    """The rack meters. Power limit: the usable power of the smaller feed when the rack has PDUs
    on both A and B (each feed must carry the rack alone), else of all its PDUs (plus a rack-scale
    system's power shelves)."""
    facts = rack_facts(rack, _Resolver(catalog), tile_mm)
    a, b = facts.feed_capacity_w("A"), facts.feed_capacity_w("B")
    power_limit = min(a, b) if a and b else facts.pdu_capacity_w
    max_load = 0.0
    if facts.rack_system is not None:
        power_limit += facts.rack_system.rack_power_capacity_w
        max_load = facts.rack_system.rack_max_load_kg
    elif facts.cabinet is not None:
        max_load = facts.cabinet.max_load_kg
    used = len([u for u in _occupied(catalog, rack) if u <= facts.u_height])
    if facts.rack_system is not None:
        used = facts.u_height
    cooling = facts.cooling
    return RackLimits(
        u_used=used, u_total=facts.u_height,
        power_kw=facts.power_max_w / 1000, power_limit_kw=power_limit / 1000,
        heat_air_kw=facts.heat_air_w / 1000, air_limit_kw=cooling.max_air_heat_kw if cooling else 0.0,
        heat_liquid_kw=facts.heat_liquid_w / 1000, liquid_limit_kw=cooling.max_liquid_heat_kw if cooling else 0.0,
        load_kg=facts.load_kg, load_limit_kg=max_load)


def autofill_rack(row: Design, expected: int, data) -> Change:
    """Pack a system into the rack's free U slots from the bottom up, while the rack stays within
    its power (see ``rack_limits``), air and liquid cooling, U and load limits."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    rack = _rack(data, state)
    item = _device_placeable(catalog, data.get("model"))
    tile_mm = state.design.site.tile_mm
    _check_slot_possible = lookup(catalog, rack.model)
    if isinstance(_check_slot_possible, System) and _check_slot_possible.is_rack_scale:
        raise EditError(f"{rack.id} is a rack-scale system: it has no free U slots to fill")
    top = rack_dims(catalog, rack.model)[0]
    h = device_height_u(item)
    current = rack
    added = []
    u = 1
    while u + h - 1 <= top:
        taken = _occupied(catalog, current)
        if any(slot in taken for slot in range(u, u + h)):
            u += 1
            continue
        trial = _set_devices(current, current.devices + (d.DevicePlacement(item.slug, u),))
        lim = rack_limits(catalog, trial, tile_mm)
        if (lim.power_kw > lim.power_limit_kw or lim.heat_air_kw > lim.air_limit_kw + 1e-9
                or lim.heat_liquid_kw > lim.liquid_limit_kw + 1e-9
                or (lim.load_limit_kg and lim.load_kg > lim.load_limit_kg)):
            break
        current = trial
        added.append(u)
        u += h
    if not added:
        lim = rack_limits(catalog, _set_devices(rack, rack.devices + (d.DevicePlacement(item.slug, 1),)), tile_mm)
        raise EditError(f"Not one more {item.name} fits in {rack.id} within its power "
                        f"({lim.power_limit_kw:.1f} kW usable), cooling (air {lim.air_limit_kw:g} kW, liquid "
                        f"{lim.liquid_limit_kw:g} kW) and free U")
    inverse = _inverse_racks(state, [rack.id])
    _bump(row, expected)
    rack_row = _rack_row(row, rack.id)
    DevicePlacement.objects.bulk_create([DevicePlacement(rack=rack_row, model=item.slug, u=u) for u in added])
    return _rack_change(row, expected, state, catalog, current,
                          f"Auto-filled {rack.id} with {len(added)} × {item.name}", inverse)


def set_rack(row: Design, expected: int, data) -> Change:
    """The rack's cooling method and its PDUs (``pdu_a``/``pdu_b``: a PDU model per feed, or empty)."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    rack = _rack(data, state)
    cooling = _catalog_item(catalog, data.get("cooling"), (RackCooling,), "a rack cooling method").slug
    pdus = []
    for feed in d.FEEDS:
        slug = data.get(f"pdu_{feed.lower()}", "")
        count = _int(data, f"pdu_{feed.lower()}_count", f"The number of PDUs on feed {feed}", minimum=0) \
            if data.get(f"pdu_{feed.lower()}_count") not in (None, "") else (1 if slug else 0)
        if slug and count:
            pdu = _catalog_item(catalog, slug, (Pdu,), "a rack PDU")
            pdus.extend([d.PduPlacement(pdu.slug, feed)] * min(count, 4))
    inverse = _inverse_racks(state, [rack.id])
    _bump(row, expected)
    RackPlacement.objects.filter(design=row, label=rack.id).update(
        cooling=cooling, pdus=[{"model": p.model, "feed": p.feed} for p in pdus])
    return _rack_change(row, expected, state, catalog, replace(rack, cooling=cooling, pdus=tuple(pdus)),
                          f"Updated the cooling and PDUs of {rack.id}", inverse)


# --- the design: site, fabrics, storage, facility, name ----------------------------------------


class SiteForm(forms.ModelForm):
    class Meta:
        model = Design
        fields = ["width_m", "depth_m", "tile_mm", "it_power_kw", "pue", "facility_power_kw", "air_cooling_kw",
                  "liquid_cooling_kw", "floor_max_kg_per_m2", "redundancy", "electricity_usd_per_kwh"]
        labels = {"width_m": "Hall width (m)", "depth_m": "Hall depth (m)", "tile_mm": "Tile (mm)",
                  "it_power_kw": "IT power (kW)", "pue": "PUE", "facility_power_kw": "Facility power (kW)",
                  "air_cooling_kw": "Air cooling (kW)", "liquid_cooling_kw": "Liquid cooling (kW)",
                  "floor_max_kg_per_m2": "Floor rating (kg/m²)", "redundancy": "Redundancy",
                  "electricity_usd_per_kwh": "Electricity (USD/kWh)"}

    LIMITS = {"width_m": (1, 2000), "depth_m": (1, 2000), "tile_mm": (300, 1200), "it_power_kw": (0, 2_000_000),
              "pue": (1.0, 3.0), "facility_power_kw": (0, 5_000_000), "air_cooling_kw": (0, 2_000_000),
              "liquid_cooling_kw": (0, 2_000_000), "floor_max_kg_per_m2": (100, 50_000),
              "electricity_usd_per_kwh": (0, 5)}

    def clean(self):
        data = super().clean()
        for name, (low, high) in self.LIMITS.items():
            value = data.get(name)
            if value is not None and not (low <= value <= high):
                self.add_error(name, f"Must be between {low:g} and {high:g}.")
        return data


SITE_FIELDS = SiteForm.Meta.fields


def _design_fields(row: Design, names) -> dict:
    return {name: getattr(row, name) for name in names}


def _site_domain(row: Design) -> d.Site:
    return d.Site(width_m=row.width_m, depth_m=row.depth_m, tile_mm=row.tile_mm, it_power_kw=row.it_power_kw,
                  pue=row.pue, facility_power_kw=row.facility_power_kw,
                  cooling=d.SiteCooling(row.air_cooling_kw, row.liquid_cooling_kw),
                  floor_max_kg_per_m2=row.floor_max_kg_per_m2, redundancy=row.redundancy,
                  electricity_usd_per_kwh=row.electricity_usd_per_kwh)


def update_site(row: Design, expected: int, data) -> Change:
    """The site panel: hall size, tile, power, PUE, cooling, floor rating, redundancy, price.
    A field that does not parse or is out of range is refused with the form's message for it."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    form = SiteForm(data, instance=Design(**_design_fields(row, SITE_FIELDS)))
    if not form.is_valid():
        first = next(iter(form.errors.items()))
        label = SiteForm.Meta.labels.get(first[0], first[0])
        raise EditError(f"{label}: {first[1][0]}", field_errors=form.errors)
    inverse = {"fields": _design_fields(row, SITE_FIELDS)}
    _bump(row, expected)
    for name in SITE_FIELDS:
        setattr(row, name, form.cleaned_data[name])
    row.save(update_fields=SITE_FIELDS)
    design = replace(state.design, site=_site_domain(row))
    return Change(_full_state(design, catalog), full=True, panels=("site",), inverse=inverse,
                  message="Updated the site")


def update_fabrics(row: Design, expected: int, data) -> Change:
    """Compute fabric (model, topology, oversubscription), storage appliances and facility cooling
    with their counts. Lists come as repeated ``storage_model``/``storage_count`` fields."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    fabrics = {}
    for role in d.FABRIC_ROLES:
        slug = data.get(f"fabric_{role}_model")
        if slug is None:
            if role in state.design.fabrics:
                fabrics[role] = state.design.fabrics[role]
            continue
        if not slug:
            continue
        switch = _catalog_item(catalog, slug, (Switch,), "a switch")
        topology = data.get(f"fabric_{role}_topology") or "rail-optimized"
        if topology not in d.TOPOLOGIES:
            raise EditError(f"The topology must be one of {', '.join(d.TOPOLOGIES)}")
        raw = (data.get(f"fabric_{role}_oversubscription") or "1").strip()
        try:
            over = float(raw)
        except ValueError:
            raise EditError(f"The oversubscription must be a number such as 1 or 2 (got '{raw[:20]}')") from None
        if not 1 <= over <= 16:
            raise EditError("The oversubscription must be between 1 and 16 (1 = non-blocking)")
        fabrics[role] = d.Fabric(switch.slug, topology, over)

    def counted(prefix: str, kinds, what: str) -> tuple[d.CountedItem, ...] | None:
        if f"{prefix}_model" not in data:
            return None
        items = []
        for slug, raw in zip(data.getlist(f"{prefix}_model"), data.getlist(f"{prefix}_count"), strict=False):
            if not slug:
                continue
            item = _catalog_item(catalog, slug, kinds, what)
            try:
                count = int(raw)
            except ValueError:
                raise EditError(f"The count of {item.name} must be a whole number (got '{raw[:20]}')") from None
            if not 0 <= count <= 10_000:
                raise EditError(f"The count of {item.name} must be between 0 and 10,000")
            if count:
                items.append(d.CountedItem(item.slug, count))
        return tuple(items)

    storage = counted("storage", (Storage,), "a storage appliance")
    facility = counted("facility", (FacilityCooling,), "facility cooling equipment")
    inverse = {"fields": _design_fields(row, ["fabrics", "storage", "facility"])}
    _bump(row, expected)
    design = replace(state.design, fabrics=fabrics,
                     storage=state.design.storage if storage is None else storage,
                     facility=state.design.facility if facility is None else facility)
    row.fabrics = {role: {"model": f.model, "topology": f.topology, "oversubscription": f.oversubscription}
                   for role, f in fabrics.items()}
    row.storage = [{"model": s.model, "count": s.count} for s in design.storage]
    row.facility = [{"model": s.model, "count": s.count} for s in design.facility]
    row.save(update_fields=["fabrics", "storage", "facility"])
    return Change(_full_state(design, catalog), panels=("fabrics",), inverse=inverse,
                  message="Updated fabrics, storage and cooling")


def rename(row: Design, expected: int, data) -> Change:
    name = (data.get("name") or "").strip()
    if not name:
        raise EditError("A design needs a name")
    if len(name) > 200:
        raise EditError("A name has at most 200 characters")
    catalog = get_catalog()
    state = load_state(row, catalog)
    inverse = {"fields": {"name": row.name}}
    _bump(row, expected)
    row.name = name
    row.save(update_fields=["name"])
    return Change(State(replace(state.design, name=name), state.report, state.grid), panels=("name",),
                  inverse=inverse, message=f"Renamed to “{name}”")


# --- undo ---------------------------------------------------------------------------------------


def restore(row: Design, expected: int, inverse: dict) -> Change:
    """Apply an inverse recorded by an earlier edit (undo), with the same version check."""
    catalog = get_catalog()
    state = load_state(row, catalog)
    _bump(row, expected)
    design = state.design
    panels = []
    fields = inverse.get("fields") or {}
    if fields:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=list(fields))
        if "name" in fields:
            design = replace(design, name=row.name)
            panels.append("name")
        if set(fields) & set(SITE_FIELDS):
            design = replace(design, site=_site_domain(row))
            panels.append("site")
        if set(fields) & {"fabrics", "storage", "facility"}:
            fresh = design_to_domain(Design(**_design_fields(row, ["fabrics", "storage", "facility", "workloads",
                                                                     "name", *SITE_FIELDS])))
            design = replace(design, fabrics=fresh.fabrics, storage=fresh.storage, facility=fresh.facility)
            panels.append("fabrics")
    racks = inverse.get("racks") or {}
    if racks:
        labels = list(racks)
        RackPlacement.objects.filter(design=row, label__in=labels).delete()
        restored = [(_rack_from_dict(data), data["position"]) for data in racks.values() if data]
        _create_rack_rows(row, restored)
        kept = [r for r in design.racks if r.id not in racks]
        ordered = sorted([(i, r) for i, r in enumerate(kept)] + [(p - 0.5, r) for r, p in restored],
                         key=lambda pair: pair[0])
        design = replace(design, racks=tuple(r for _, r in ordered))
    return Change(_full_state(design, catalog), full=True, panels=tuple(panels), message="Undid the last edit")


OPERATIONS = {
    "move": move_racks, "rotate": rotate_racks, "add-rack": add_rack, "duplicate": duplicate_racks,
    "delete": delete_racks, "add-device": add_device, "move-device": move_device, "remove-device": remove_device,
    "autofill": autofill_rack, "rack": set_rack, "site": update_site, "fabrics": update_fabrics, "rename": rename,
}


def apply(op: str, row: Design, expected: int, data) -> Change:
    """Run one operation in a transaction; on refusal nothing is saved and the row is unchanged."""
    try:
        func = OPERATIONS[op]
    except KeyError:
        raise EditError(f"Unknown edit '{op[:40]}'") from None
    try:
        with transaction.atomic():
            change = func(row, expected, data)
    except Exception:
        row.version = expected if row.version == expected + 1 else row.version
        raise
    _forget(row, expected)
    _remember(row, change.state)
    return change


def apply_undo(row: Design, expected: int, inverse: dict) -> Change:
    try:
        with transaction.atomic():
            change = restore(row, expected, inverse)
    except Exception:
        row.version = expected if row.version == expected + 1 else row.version
        raise
    _forget(row, expected)
    _remember(row, change.state)
    return change
