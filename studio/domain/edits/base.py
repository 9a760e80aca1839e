"""What every edit operation shares: the refusal, the result, and inverses.

An edit operation is a pure function: a ``Design`` (plus the catalog and parsed arguments) in,
an ``Applied`` out: the new design, the inverse (an edit that undoes it, applied by
``edits.restore``), the message for the user and what the editor must repaint. Nothing here
reads or writes a database; ``studio.editing`` saves the difference.

An inverse is plain JSON (it is kept in the session):
``{"racks": {id: {"rack": <design-file rack>, "index": i} | null}, "fields": {<design field>: <value>}}``
— racks to put back at their index (``null``: remove the rack) and design fields to set back,
each in the design file's shape (``name``, ``site``, ``fabrics``, ``storage``, ``facility``, ``workloads``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..catalog import Catalog
from ..design import Design, RackPlacement
from ..designfile import dump_fields, dump_rack


class EditError(ValueError):
    """A change that cannot be made; the message says why, in words for the user."""

    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


@dataclass(frozen=True)
class Applied:
    """The outcome of one edit.

    ``racks``/``added``/``removed``: rack ids to repaint, to add to and to take off the floor plan;
    ``full``: repaint the whole floor plan; ``panels``: other panels to refresh ("site", "fabrics", "name").
    """

    design: Design
    inverse: dict
    message: str
    racks: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    full: bool = False
    panels: tuple[str, ...] = ()


def rack_index(design: Design) -> dict[str, int]:
    return {r.id: i for i, r in enumerate(design.racks)}


def find_racks(design: Design, labels: list[str]) -> list[RackPlacement]:
    """The racks named, in the order given (each once); refuses an empty selection or an unknown id."""
    if not labels:
        raise EditError("Select a rack first")
    index = rack_index(design)
    found = []
    for label in dict.fromkeys(labels):
        if label not in index:
            raise EditError(f"There is no rack '{label[:40]}' in this design")
        found.append(design.racks[index[label]])
    return found


def with_racks(design: Design, changed: dict[str, RackPlacement | None],
               added: tuple[RackPlacement, ...] | list[RackPlacement] = ()) -> Design:
    """The design with some racks replaced in place (``None``: removed) and ``added`` appended."""
    racks = []
    for rack in design.racks:
        if rack.id in changed:
            if changed[rack.id] is not None:
                racks.append(changed[rack.id])
        else:
            racks.append(rack)
    return replace(design, racks=tuple(racks) + tuple(added))


def racks_inverse(design: Design, labels) -> dict:
    """The inverse that puts the named racks back as they are in ``design`` (or removes those
    that are not in it yet)."""
    index = rack_index(design)
    return {"racks": {label: ({"rack": dump_rack(design.racks[index[label]]), "index": index[label]}
                              if label in index else None) for label in labels}}


def fields_inverse(design: Design, names) -> dict:
    """The inverse that sets the named design fields back to their values in ``design``."""
    return {"fields": dump_fields(design, list(names))}


def catalog_item(catalog: Catalog, slug: str | None, kinds, what: str):
    """The catalog item of ``slug`` when it is one of ``kinds``; refused with ``what`` was expected."""
    slug = slug or ""
    item = catalog.get(slug) if slug in catalog else None
    if item is None or not isinstance(item, kinds):
        raise EditError(f"'{slug[:60]}' is not {what} in the catalog")
    return item


def several(labels: list[str], verb: str, limit: int = 4) -> str:
    """'Moved A01, A02' for a few racks, 'Moved 12 racks' for many."""
    return f"{verb} {', '.join(labels)}" if len(labels) < limit else f"{verb} {len(labels)} racks"
