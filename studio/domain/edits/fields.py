"""Edits of the design as a whole: the site, fabrics with storage and facility equipment, the
name and the workloads. Each saves the fields it changes in its inverse (``base.fields_inverse``)."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from ..catalog import Catalog, FacilityCooling, Storage, Switch
from ..design import FABRIC_ROLES, TOPOLOGIES, CountedItem, Design, Fabric, Site, Workload
from ..limits import MAX_WORKLOADS
from .base import Applied, EditError, catalog_item, fields_inverse, racks_inverse


def update_site(design: Design, site: Site) -> Applied:
    """The site panel: hall size, tile, power, PUE, cooling, floor rating, redundancy, price
    (``site`` comes parsed and range-checked by ``edits.parse.site_args``).

    A new tile size keeps every rack where it stands in metres: its tile coordinates are converted
    (``tiles_for_tile_size``) and the message says so; undo puts back the site and the racks together.
    """
    if site.tile_mm == design.site.tile_mm or not design.racks:
        return Applied(replace(design, site=site), fields_inverse(design, ["site"]), "Updated the site",
                       full=True, panels=("site",))
    old, new = design.site.tile_mm, site.tile_mm
    racks = tuple(replace(r, x_tiles=tiles_for_tile_size(r.x_tiles, old, new),
                          y_tiles=tiles_for_tile_size(r.y_tiles, old, new)) for r in design.racks)
    inverse = {**fields_inverse(design, ["site"]), **racks_inverse(design, [r.id for r in design.racks])}
    count = len(racks)
    return Applied(replace(design, site=site, racks=racks), inverse,
                   f"Tile {old} → {new} mm: the {count} rack{'' if count == 1 else 's'} keep their places in metres "
                   "(snapped to the nearest tile)", full=True, panels=("site",))


def tiles_for_tile_size(tiles: int, old_mm: int, new_mm: int) -> int:
    """A coordinate in tiles of ``old_mm`` as the nearest tile of ``new_mm``: the same place in metres.

    Worked example: tile 10 on 600 mm tiles is at 6.0 m; on 300 mm tiles it is tile 20; on 610 mm
    tiles 6.0 / 0.61 = 9.84 → tile 10; tile 7 on 600 mm (4.2 m) on 1200 mm tiles: 3.5 → tile 4 (half up).
    """
    return int(Decimal(tiles * old_mm / new_mm).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def update_fabrics(design: Design, catalog: Catalog, fabrics: dict[str, tuple[str, str, float] | None],
                   storage: list[tuple] | None, facility: list[tuple] | None) -> Applied:
    """Compute/storage/in-band/OOB fabrics (switch model, topology, oversubscription), storage
    appliances and facility cooling with their counts. A role missing from ``fabrics`` keeps its
    fabric; ``None`` removes it; ``storage``/``facility`` ``None`` keep the lists as they are and
    a count of 0 drops an item. An entry is ``(slug, count)`` or ``(slug, count, phase)``."""
    new_fabrics: dict[str, Fabric] = {}
    for role in FABRIC_ROLES:
        if role not in fabrics:
            if role in design.fabrics:
                new_fabrics[role] = design.fabrics[role]
            continue
        chosen = fabrics[role]
        if chosen is None:
            continue
        slug, topology, over = chosen
        switch = catalog_item(catalog, slug, (Switch,), "a switch")
        if topology not in TOPOLOGIES:
            raise EditError(f"The topology must be one of {', '.join(TOPOLOGIES)}")
        new_fabrics[role] = Fabric(switch.slug, topology, over)

    def counted(entries, kinds, what: str) -> tuple[CountedItem, ...] | None:
        if entries is None:
            return None
        return tuple(CountedItem(catalog_item(catalog, slug, kinds, what).slug, count, *rest)
                     for slug, count, *rest in entries if count)

    new_storage = counted(storage, (Storage,), "a storage appliance")
    new_facility = counted(facility, (FacilityCooling,), "facility cooling equipment")
    new = replace(design, fabrics=new_fabrics,
                  storage=design.storage if new_storage is None else new_storage,
                  facility=design.facility if new_facility is None else new_facility)
    return Applied(new, fields_inverse(design, ["fabrics", "storage", "facility"]),
                   "Updated fabrics, storage and cooling", panels=("fabrics",))


def rename(design: Design, name: str) -> Applied:
    """A new name (checked against ``limits.TEXTS['name']`` by the parser)."""
    return Applied(replace(design, name=name), fields_inverse(design, ["name"]), f"Renamed to “{name}”",
                   panels=("name",))


def add_workload(design: Design, workload: Workload) -> Applied:
    """Append a workload to estimate (at most ``MAX_WORKLOADS``)."""
    if len(design.workloads) >= MAX_WORKLOADS:
        raise EditError(f"A design holds at most {MAX_WORKLOADS} workloads; remove one first.")
    label = workload.name or workload.model or workload.kind
    return Applied(replace(design, workloads=design.workloads + (workload,)), fields_inverse(design, ["workloads"]),
                   f"Added the workload “{label}”", panels=("workloads",))


def remove_workload(design: Design, index: int) -> Applied:
    if not 0 <= index < len(design.workloads):
        raise EditError("That workload no longer exists; the page was refreshed.")
    gone = design.workloads[index]
    label = gone.name or gone.model or gone.kind
    return Applied(replace(design, workloads=design.workloads[:index] + design.workloads[index + 1:]),
                   fields_inverse(design, ["workloads"]), f"Removed the workload “{label}”", panels=("workloads",))


def replace_workload(design: Design, index: int, workload: Workload) -> Applied:
    """The workload at ``index`` edited (the estimates page's form); its place in the list is kept."""
    if not 0 <= index < len(design.workloads):
        raise EditError("That workload no longer exists; the page was refreshed.")
    label = workload.name or workload.model or workload.kind
    workloads = design.workloads[:index] + (workload,) + design.workloads[index + 1:]
    return Applied(replace(design, workloads=workloads), fields_inverse(design, ["workloads"]),
                   f"Updated the workload “{label}”", panels=("workloads",))
