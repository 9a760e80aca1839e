"""Pure edit operations: a design (and the catalog) in, the new design and its inverse out.

Each operation lives in a small module (``racks``, ``devices``, ``fields``, ``restore``) and takes
parsed arguments (``parse``); ``OPERATIONS`` names them for the editor's one service loop
(``studio.editing``), which loads the design, applies one, bumps the version, saves the
difference and revalidates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..catalog import Catalog
from ..design import Design
from ..layout import TileGrid
from . import devices, fields, grow, parse, phases, racks
from .base import Applied, EditError
from .restore import restore

__all__ = ["OPERATIONS", "Applied", "EditError", "Operation", "apply_edit", "restore"]


@dataclass(frozen=True)
class Operation:
    """An edit by name: how to read its form (``parse``) and what to run; ``needs`` says which of
    ``catalog`` and ``grid`` (the floor's tile grid, read only) it takes as keywords."""

    parse: Callable[[Any], dict]
    run: Callable[..., Applied]
    needs: tuple[str, ...] = ("catalog",)


OPERATIONS: dict[str, Operation] = {
    "move": Operation(parse.move_args, racks.move_racks, ("catalog", "grid")),
    "rotate": Operation(parse.racks_args, racks.rotate_racks, ("catalog", "grid")),
    "add-rack": Operation(parse.add_rack_args, racks.add_rack, ("catalog", "grid")),
    "duplicate": Operation(parse.racks_args, racks.duplicate_racks, ("catalog", "grid")),
    "delete": Operation(parse.racks_args, racks.delete_racks, ()),
    "add-device": Operation(parse.device_args, devices.add_device),
    "move-device": Operation(parse.move_device_args, devices.move_device),
    "remove-device": Operation(parse.remove_device_args, devices.remove_device),
    "autofill": Operation(parse.autofill_args, devices.autofill_rack),
    "rack": Operation(parse.rack_args, devices.set_rack),
    "site": Operation(parse.site_args, fields.update_site, ()),
    "fabrics": Operation(parse.fabrics_args, fields.update_fabrics),
    "rename": Operation(parse.rename_args, fields.rename, ()),
    "phase": Operation(phases.phase_args, phases.set_phase, ()),
    "repeat": Operation(grow.repeat_args, grow.repeat_racks, ("catalog", "grid")),
    "fill": Operation(grow.fill_args, grow.fill_to_limit, ("catalog",)),
    "add-unit": Operation(grow.unit_args, grow.add_scalable_unit, ("catalog", "grid")),
}


def apply_edit(op: str, design: Design, catalog: Catalog, data, grid: TileGrid | None = None) -> Applied:
    """Parse ``data`` for the operation ``op`` and apply it to ``design``; ``EditError`` on refusal."""
    try:
        operation = OPERATIONS[op]
    except KeyError:
        raise EditError(f"Unknown edit '{str(op)[:40]}'") from None
    args = operation.parse(data)
    context = {"catalog": catalog, "grid": grid}
    return operation.run(design, **{name: context[name] for name in operation.needs}, **args)
