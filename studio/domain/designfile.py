"""Read and write the design file format ``ai-factory-design/1`` (see ARCHITECTURE.md).

``load_design(data, catalog)`` turns the decoded JSON into a ``Design``; ``parse_design_text``
does the same from text; ``dump_design(design)`` writes the plain dict back. The round trip is
lossless: ``dump_design(load_design(x)) == x`` once ``x`` carries its defaults.

Anything the design cannot be used with raises ``DesignFileError`` whose ``path`` is the JSON
path of the offending value (``racks[2].devices[0].model``) and whose message says what was
expected and what was found: bad JSON (with line and column), a missing or wrong ``format``,
unknown fields (errors, never ignored), unknown catalog slugs (with the kind expected), wrong
types and impossible numbers. Things a design *can* be drawn with but should not be built
(overloaded racks, overlaps) are findings of ``studio.domain.rules``, not errors here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .catalog import Catalog, FacilityCooling, Item, LlmModel, Pdu, Rack, RackCooling, Storage, Switch, System
from .design import (
    DESIGN_FORMAT,
    FABRIC_ROLES,
    FEEDS,
    PRECISIONS,
    REDUNDANCY_TARGETS,
    ROTATIONS,
    SCENARIOS,
    TOPOLOGIES,
    WORKLOAD_KINDS,
    CountedItem,
    Design,
    DevicePlacement,
    Fabric,
    PduPlacement,
    RackPlacement,
    Site,
    SiteCooling,
    Workload,
)
from .jsonread import DesignFileError, as_choice, as_limited_text, as_list, as_number, as_object, as_slug, join, kind_of
from .limits import MAX_WORKLOADS

# The bounds of every number and text come from the one table, ``limits`` (the editor's parsers
# and forms read the same rows), through ``jsonread``: beyond them a number is not a design but a typo.


# --- sections -----------------------------------------------------------------------------

_SITE_REQUIRED = ("width_m", "depth_m")
_SITE_OPTIONAL = ("tile_mm", "it_power_kw", "pue", "facility_power_kw", "cooling", "floor_max_kg_per_m2",
                  "redundancy", "electricity_usd_per_kwh")


def _load_site(value: Any, path: str) -> Site:
    data = as_object(value, path, _SITE_REQUIRED, _SITE_OPTIONAL)
    defaults = Site(width_m=1, depth_m=1)
    cooling = defaults.cooling
    if "cooling" in data:
        cpath = join(path, "cooling")
        c = as_object(data["cooling"], cpath, (), ("air_kw", "liquid_kw"))
        cooling = SiteCooling(
            air_kw=as_number(c.get("air_kw", 0.0), join(cpath, "air_kw"), "air_cooling_kw"),
            liquid_kw=as_number(c.get("liquid_kw", 0.0), join(cpath, "liquid_kw"), "liquid_cooling_kw"),
        )
    return Site(
        width_m=as_number(data["width_m"], join(path, "width_m"), "width_m"),
        depth_m=as_number(data["depth_m"], join(path, "depth_m"), "depth_m"),
        tile_mm=as_number(data.get("tile_mm", defaults.tile_mm), join(path, "tile_mm"), "tile_mm"),
        it_power_kw=as_number(data.get("it_power_kw", defaults.it_power_kw), join(path, "it_power_kw"), "it_power_kw"),
        pue=as_number(data.get("pue", defaults.pue), join(path, "pue"), "pue"),
        facility_power_kw=as_number(data.get("facility_power_kw", defaults.facility_power_kw),
                                  join(path, "facility_power_kw"), "facility_power_kw"),
        cooling=cooling,
        floor_max_kg_per_m2=as_number(data.get("floor_max_kg_per_m2", defaults.floor_max_kg_per_m2),
                                    join(path, "floor_max_kg_per_m2"), "floor_max_kg_per_m2"),
        redundancy=as_choice(data.get("redundancy", defaults.redundancy), join(path, "redundancy"),
                           REDUNDANCY_TARGETS),
        electricity_usd_per_kwh=as_number(data.get("electricity_usd_per_kwh", defaults.electricity_usd_per_kwh),
                                        join(path, "electricity_usd_per_kwh"), "electricity_usd_per_kwh"),
    )


def is_placeable(item: Item) -> bool:
    """Whether a catalog item can sit in a rack's U slots.

    Servers, switches, storage appliances and in-rack facility cooling (an in-rack CDU, height
    > 0 U) are; a rack-scale system is a rack of its own (a rack ``model``), not a device.
    """
    if isinstance(item, System):
        return not item.is_rack_scale
    if isinstance(item, FacilityCooling):
        return item.u_height > 0
    return isinstance(item, (Switch, Storage))


def _load_device(value: Any, path: str, catalog: Catalog) -> DevicePlacement:
    data = as_object(value, path, ("model", "u"), ())
    mpath = join(path, "model")
    item = as_slug(data["model"], mpath, catalog, (System, Switch, Storage, FacilityCooling),
                 "a device (system, switch, storage or in-rack cooling)")
    if not is_placeable(item):
        if isinstance(item, System):
            raise DesignFileError(mpath, f"expected a device that goes in a rack, found {item.slug!r} which is a "
                                         "rack-scale system: use it as the rack's 'model' instead")
        raise DesignFileError(mpath, f"expected a device that goes in a rack, found {item.slug!r} which is "
                                     "floor-standing facility equipment: list it under 'facility'")
    u = as_number(data["u"], join(path, "u"), "u")
    return DevicePlacement(model=item.slug, u=u)


def _load_pdu(value: Any, path: str, catalog: Catalog) -> PduPlacement:
    data = as_object(value, path, ("model",), ("feed",))
    item = as_slug(data["model"], join(path, "model"), catalog, (Pdu,), "a rack PDU")
    feed = as_choice(data.get("feed", "A"), join(path, "feed"), FEEDS)
    return PduPlacement(model=item.slug, feed=feed)


_RACK_REQUIRED = ("id", "model", "x_tiles", "y_tiles")
_RACK_OPTIONAL = ("rotation", "cooling", "pdus", "devices", "phase")


def _load_rack(value: Any, path: str, catalog: Catalog) -> RackPlacement:
    data = as_object(value, path, _RACK_REQUIRED, _RACK_OPTIONAL)
    rack_id = as_limited_text(data["id"], join(path, "id"), "rack_id")
    mpath = join(path, "model")
    model = as_slug(data["model"], mpath, catalog, (Rack, System), "a rack cabinet or rack-scale system")
    if isinstance(model, System) and not model.is_rack_scale:
        raise DesignFileError(mpath, f"expected a rack cabinet or rack-scale system, found {model.slug!r} which is "
                                     "a server: put it in the rack's 'devices'")
    cooling = as_slug(data.get("cooling", "air"), join(path, "cooling"), catalog, (RackCooling,),
                    "a rack cooling method")
    pdus_path = join(path, "pdus")
    devices_path = join(path, "devices")
    return RackPlacement(
        id=rack_id,
        model=model.slug,
        x_tiles=as_number(data["x_tiles"], join(path, "x_tiles"), "tiles"),
        y_tiles=as_number(data["y_tiles"], join(path, "y_tiles"), "tiles"),
        rotation=as_choice(data.get("rotation", 0), join(path, "rotation"), ROTATIONS),
        cooling=cooling.slug,
        pdus=tuple(_load_pdu(p, join(pdus_path, i), catalog)
                   for i, p in enumerate(as_list(data.get("pdus", []), pdus_path))),
        devices=tuple(_load_device(d, join(devices_path, i), catalog)
                      for i, d in enumerate(as_list(data.get("devices", []), devices_path))),
        phase=as_number(data.get("phase", 1), join(path, "phase"), "phase"),
    )


def _load_fabrics(value: Any, path: str, catalog: Catalog) -> dict[str, Fabric]:
    data = as_object(value, path, (), FABRIC_ROLES)
    fabrics: dict[str, Fabric] = {}
    for role in FABRIC_ROLES:  # a fixed order, whatever the file's order
        if role not in data:
            continue
        fpath = join(path, role)
        f = as_object(data[role], fpath, ("model",), ("topology", "oversubscription"))
        switch = as_slug(f["model"], join(fpath, "model"), catalog, (Switch,), "a network switch")
        fabrics[role] = Fabric(
            model=switch.slug,
            topology=as_choice(f.get("topology", "rail-optimized" if role == "compute" else "fat-tree"),
                             join(fpath, "topology"), TOPOLOGIES),
            oversubscription=as_number(f.get("oversubscription", 1.0), join(fpath, "oversubscription"),
                                     "oversubscription"),
        )
    return fabrics


def _load_counted(value: Any, path: str, catalog: Catalog, kinds: tuple[type[Item], ...],
                  wanted: str) -> tuple[CountedItem, ...]:
    items = []
    for i, entry in enumerate(as_list(value, path)):
        epath = join(path, i)
        data = as_object(entry, epath, ("model",), ("count", "phase"))
        item = as_slug(data["model"], join(epath, "model"), catalog, kinds, wanted)
        count = as_number(data.get("count", 1), join(epath, "count"), "count")
        phase = as_number(data.get("phase", 1), join(epath, "phase"), "phase")
        items.append(CountedItem(model=item.slug, count=count, phase=phase))
    return tuple(items)


_WORKLOAD_NUMBERS = {"input_tokens": "tokens", "output_tokens": "tokens", "tensor_parallel": "parallel",
                     "concurrency": "parallel", "sequence_length": "tokens", "global_batch_sequences": "batch_sequences",
                     "ttft_p99_limit_ms": "latency_ms", "tpot_p99_limit_ms": "latency_ms", "train_tokens": "train_tokens"}
_WORKLOAD_FIELDS = ("kind", "model", "precision", "scenario", *_WORKLOAD_NUMBERS, "preset", "name",
                    "spec_decoding", "config")


def _load_workload(value: Any, path: str, catalog: Catalog) -> Workload:
    data = as_object(value, path, ("kind",), tuple(f for f in _WORKLOAD_FIELDS if f != "kind"))
    kind = as_choice(data["kind"], join(path, "kind"), WORKLOAD_KINDS)
    values: dict[str, Any] = {"kind": kind}
    if kind in ("inference", "training") and "model" not in data:
        raise DesignFileError(join(path, "model"), f"missing required field 'model' (an {kind} workload "
                                                    "names the LLM it runs)")
    if "model" in data:
        values["model"] = as_slug(data["model"], join(path, "model"), catalog, (LlmModel,), "an LLM model").slug
    if "precision" in data:
        values["precision"] = as_choice(data["precision"], join(path, "precision"), PRECISIONS)
    if "scenario" in data:
        values["scenario"] = as_choice(data["scenario"], join(path, "scenario"), SCENARIOS)
    for name, limit in _WORKLOAD_NUMBERS.items():
        if name in data:
            values[name] = as_number(data[name], join(path, name), limit)
    for name in ("preset", "name"):
        if name in data:
            values[name] = as_limited_text(data[name], join(path, name), "workload_name" if name == "name" else name)
    if "spec_decoding" in data:
        values["spec_decoding"] = as_choice(data["spec_decoding"], join(path, "spec_decoding"), ("none", "mtp"))
    if "config" in data:  # how the workload is served; the estimator checks its layouts
        values["config"] = dict(as_object(data["config"], join(path, "config"), (), tuple(data["config"])
                                          if isinstance(data["config"], Mapping) else ()))
    return Workload(**values)


_TOP_REQUIRED = ("format", "site")
_TOP_OPTIONAL = ("name", "racks", "fabrics", "storage", "facility", "workloads", "estimates")
_ESTIMATES_KEYS = ("result", "finished_at", "stale")


def load_estimates(data: Any) -> dict[str, Any] | None:
    """The optional top-level ``estimates`` of a design file: the design's latest estimate results,
    ``{"result": {...}, "finished_at": "2026-12-02T18:00:00+00:00", "stale": false}``, carried so that
    an exported design keeps its numbers. ``validate`` and ``load_design`` ignore it; a file without
    it reads as before. ``DesignFileError`` (with its JSON path) when present but malformed."""
    if not isinstance(data, Mapping) or "estimates" not in data:
        return None
    block = as_object(data["estimates"], "estimates", ("result",), _ESTIMATES_KEYS[1:])
    result = block["result"]
    if not isinstance(result, Mapping) or not isinstance(result.get("results", []), list):
        raise DesignFileError("estimates.result", f"expected an estimate result object with a 'results' list, "
                                                  f"found {kind_of(result)}")
    if "stale" in block and not isinstance(block["stale"], bool):
        raise DesignFileError("estimates.stale", f"expected true or false, found {kind_of(block['stale'])}")
    finished = block.get("finished_at", "")
    if not isinstance(finished, str):
        raise DesignFileError("estimates.finished_at", f"expected a date-time text, found {kind_of(finished)}")
    return {"result": dict(result), "finished_at": finished, "stale": bool(block.get("stale", False))}


def load_design(data: Any, catalog: Catalog) -> Design:
    """The ``Design`` of a decoded design file; ``DesignFileError`` (with its JSON path) otherwise."""
    if not isinstance(data, Mapping):
        raise DesignFileError("", f"expected a design object at the top level, found {kind_of(data)}")
    if "format" not in data:
        raise DesignFileError("format", f"missing required field 'format' (expected {DESIGN_FORMAT!r})")
    if data["format"] != DESIGN_FORMAT:
        raise DesignFileError("format", f"expected {DESIGN_FORMAT!r}, found {kind_of(data['format'])}")
    as_object(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    name = as_limited_text(data.get("name", "Untitled design"), "name", "name")
    site = _load_site(data["site"], "site")
    racks_path = "racks"
    racks: list[RackPlacement] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(as_list(data.get("racks", []), racks_path)):
        rack = _load_rack(r, join(racks_path, i), catalog)
        if rack.id in seen:
            raise DesignFileError(join(join(racks_path, i), "id"),
                                  f"expected a unique rack id, found {rack.id!r} which racks[{seen[rack.id]}] "
                                  "already uses")
        seen[rack.id] = i
        racks.append(rack)
    fabrics = _load_fabrics(data.get("fabrics", {}), "fabrics", catalog)
    storage = _load_counted(data.get("storage", []), "storage", catalog, (Storage,), "a storage appliance")
    facility = _load_counted(data.get("facility", []), "facility", catalog, (FacilityCooling,),
                             "facility cooling equipment")
    workloads_path = "workloads"
    listed = as_list(data.get("workloads", []), workloads_path)
    if len(listed) > MAX_WORKLOADS:  # the editor's cap (edits.fields.add_workload) holds for imports too
        raise DesignFileError(workloads_path, f"expected at most {MAX_WORKLOADS} workloads, found {len(listed)}")
    workloads = tuple(_load_workload(w, join(workloads_path, i), catalog) for i, w in enumerate(listed))
    return Design(name=name, site=site, racks=tuple(racks), fabrics=fabrics, storage=storage,
                  facility=facility, workloads=workloads)


def parse_design_text(text: str, catalog: Catalog) -> Design:
    """``load_design`` from JSON text; bad JSON raises ``DesignFileError`` with line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DesignFileError("", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise DesignFileError("", "not usable JSON: nested too deeply") from exc
    except ValueError as exc:  # a number with more digits than Python converts (4,300)
        raise DesignFileError("", f"not usable JSON: {exc}") from exc
    return load_design(data, catalog)


# --- writing ------------------------------------------------------------------------------


def dump_site(site: Site) -> dict[str, Any]:
    return {
        "width_m": site.width_m, "depth_m": site.depth_m, "tile_mm": site.tile_mm,
        "it_power_kw": site.it_power_kw, "pue": site.pue, "facility_power_kw": site.facility_power_kw,
        "cooling": {"air_kw": site.cooling.air_kw, "liquid_kw": site.cooling.liquid_kw},
        "floor_max_kg_per_m2": site.floor_max_kg_per_m2, "redundancy": site.redundancy,
        "electricity_usd_per_kwh": site.electricity_usd_per_kwh,
    }


def dump_rack(rack: RackPlacement) -> dict[str, Any]:
    return {
        "id": rack.id, "model": rack.model, "x_tiles": rack.x_tiles, "y_tiles": rack.y_tiles,
        "rotation": rack.rotation, "cooling": rack.cooling,
        "pdus": [{"model": p.model, "feed": p.feed} for p in rack.pdus],
        "devices": [{"model": d.model, "u": d.u} for d in rack.devices],
        **_phase(rack.phase),
    }


def _phase(phase: int) -> dict[str, int]:
    """``"phase"`` as the file writes it: only beyond the first, so a design without phases is written
    (and exported) exactly as before phases existed."""
    return {"phase": phase} if phase != 1 else {}


def dump_workload(workload: Workload) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _WORKLOAD_FIELDS:
        value = getattr(workload, name)
        if value is not None:
            out[name] = value
    return out


DESIGN_FIELDS = ("name", "site", "fabrics", "storage", "facility", "workloads")  # the design's, beside its racks


def dump_fields(design: Design, names: tuple[str, ...] | list[str] = DESIGN_FIELDS) -> dict[str, Any]:
    """Some of a design's own fields (not its racks) as the design file writes them: O(those fields)."""
    dumps = {
        "name": lambda: design.name,
        "site": lambda: dump_site(design.site),
        "fabrics": lambda: {role: {"model": f.model, "topology": f.topology, "oversubscription": f.oversubscription}
                            for role, f in design.fabrics.items()},
        "storage": lambda: [{"model": s.model, "count": s.count, **_phase(s.phase)} for s in design.storage],
        "facility": lambda: [{"model": s.model, "count": s.count, **_phase(s.phase)} for s in design.facility],
        "workloads": lambda: [dump_workload(w) for w in design.workloads],
    }
    return {name: dumps[name]() for name in names}


def dump_design(design: Design) -> dict[str, Any]:
    """The plain dict of a design (every field written, defaults included), ready for ``json.dumps``."""
    fields = dump_fields(design)
    return {"format": DESIGN_FORMAT, "name": fields.pop("name"), "site": fields.pop("site"),
            "racks": [dump_rack(r) for r in design.racks], **fields}


def dump_design_text(design: Design, *, indent: int | None = 2, estimates: dict[str, Any] | None = None) -> str:
    """The design file as JSON text; with ``estimates`` (see ``load_estimates``) as its last key."""
    data = dump_design(design)
    if estimates is not None:
        data["estimates"] = estimates
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
