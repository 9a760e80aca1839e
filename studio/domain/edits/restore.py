"""Undo: apply an inverse recorded by an earlier edit (``base``'s shape). Its own inverse redoes it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import design as d
from .base import Applied, fields_inverse, racks_inverse

PANELS = {"name": "name", "site": "site", "fabrics": "fabrics", "storage": "fabrics", "facility": "fabrics",
          "workloads": "workloads"}


def rack_from_dict(data: dict[str, Any]) -> d.RackPlacement:
    """A rack from its design-file dict (``designfile.dump_rack``), trusted: it came from an inverse."""
    return d.RackPlacement(id=data["id"], model=data["model"], x_tiles=data["x_tiles"], y_tiles=data["y_tiles"],
                           rotation=data["rotation"], cooling=data["cooling"],
                           pdus=tuple(d.PduPlacement(p["model"], p["feed"]) for p in data["pdus"]),
                           devices=tuple(d.DevicePlacement(dev["model"], dev["u"]) for dev in data["devices"]),
                           phase=data.get("phase", 1))


def _field(name: str, value: Any) -> Any:
    if name == "site":
        return d.Site(**{**value, "cooling": d.SiteCooling(**value["cooling"])})
    if name == "fabrics":
        return {role: d.Fabric(**f) for role, f in value.items()}
    if name in ("storage", "facility"):
        return tuple(d.CountedItem(**s) for s in value)
    if name == "workloads":
        return tuple(d.Workload(**w) for w in value)
    return value  # name


def restore(design: d.Design, inverse: dict) -> Applied:
    """Put back the racks and fields an inverse names. Racks go back at their recorded index (the
    design's order is the design file's order); a rack recorded as ``None`` is removed."""
    fields = inverse.get("fields") or {}
    racks = inverse.get("racks") or {}
    redo = {**fields_inverse(design, list(fields)), **racks_inverse(design, list(racks))}
    changes = {name: _field(name, value) for name, value in fields.items()}
    new = replace(design, **changes) if changes else design
    if racks:
        kept = [r for r in new.racks if r.id not in racks]
        back = sorted(((entry["index"], rack_from_dict(entry["rack"])) for entry in racks.values() if entry),
                      key=lambda pair: pair[0])
        for index, rack in back:  # in increasing index: each lands where it was
            kept.insert(min(index, len(kept)), rack)
        new = replace(new, racks=tuple(kept))
    panels = tuple(dict.fromkeys(PANELS[name] for name in fields if name in PANELS))
    return Applied(new, redo, "Undid the last edit", full=True, panels=panels)
