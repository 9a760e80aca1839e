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
import math
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
from .limits import NUMBERS, TEXTS

# Limits beyond which a number is not a design but a typo: the one table, ``limits`` (the
# editor's parsers and forms read the same rows).
MAX_HALL_M = NUMBERS["width_m"].maximum
TILE_MM_RANGE = (NUMBERS["tile_mm"].minimum, NUMBERS["tile_mm"].maximum)
MAX_POWER_KW = NUMBERS["it_power_kw"].maximum
PUE_RANGE = (NUMBERS["pue"].minimum, NUMBERS["pue"].maximum)
MAX_FLOOR_KG_PER_M2 = NUMBERS["floor_max_kg_per_m2"].maximum
MAX_USD_PER_KWH = NUMBERS["electricity_usd_per_kwh"].maximum
MAX_TILES = NUMBERS["tiles"].maximum
MAX_U = NUMBERS["u"].maximum
MAX_COUNT = NUMBERS["count"].maximum
OVERSUBSCRIPTION_RANGE = (NUMBERS["oversubscription"].minimum, NUMBERS["oversubscription"].maximum)
MAX_TOKENS = NUMBERS["tokens"].maximum
MAX_PARALLEL = NUMBERS["parallel"].maximum


class DesignFileError(ValueError):
    """A design file that cannot be used. ``path`` is the JSON path of the bad value."""

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path or '(file)'}: {message}")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _object(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DesignFileError(path, f"expected an object, found {_kind_of(value)}")
    for key in value:
        if key not in required and key not in optional:
            allowed = ", ".join(required + optional)
            raise DesignFileError(_join(path, str(key)), f"unknown field '{key}' (allowed here: {allowed})")
    for key in required:
        if key not in value:
            raise DesignFileError(_join(path, key), f"missing required field '{key}'")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise DesignFileError(path, f"expected a list, found {_kind_of(value)}")
    return value


def _text(value: Any, path: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise DesignFileError(path, f"expected text, found {_kind_of(value)}")
    if not allow_empty and not value.strip():
        raise DesignFileError(path, "expected non-empty text, found an empty string")
    return value


def _limited_text(value: Any, path: str, limit: str) -> str:
    """Text within ``limits.TEXTS[limit]``: no NUL, no lone surrogate, not too long for its column."""
    _text(value, path)
    problem = TEXTS[limit].problem(value)
    if problem:
        raise DesignFileError(path, f"{TEXTS[limit].label} {problem}")
    return value


def _choice(value: Any, path: str, choices: tuple) -> Any:
    if isinstance(value, bool) or value not in choices:
        raise DesignFileError(path, f"expected one of {', '.join(map(repr, choices))}; found {_kind_of(value)}")
    return value


def _number(value: Any, path: str, *, unit: str = "", minimum: float | None = None,
            maximum: float | None = None, above: float | None = None, integer: bool = False) -> int | float:
    """A finite number within range. ``above`` is an exclusive lower bound (``> above``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        wanted = "a whole number" if integer else "a number"
        raise DesignFileError(path, f"expected {wanted}{' in ' + unit if unit else ''}, found {_kind_of(value)}")
    if not math.isfinite(value):
        raise DesignFileError(path, f"expected a finite number, found {value!r}")
    if integer and value != int(value):
        raise DesignFileError(path, f"expected a whole number, found {value!r}")
    if integer:
        value = int(value)
    u = f" {unit}" if unit else ""
    if above is not None and not value > above:
        raise DesignFileError(path, f"expected a number above {above:g}{u}, found {value!r}")
    if minimum is not None and value < minimum:
        raise DesignFileError(path, f"expected at least {minimum:g}{u}, found {value!r}")
    if maximum is not None and value > maximum:
        raise DesignFileError(path, f"expected at most {maximum:g}{u}, found {value!r}")
    return value


def _slug(value: Any, path: str, catalog: Catalog, kinds: tuple[type[Item], ...], wanted: str) -> Item:
    """A catalog slug of one of ``kinds``; the error names the kind expected and what the slug is."""
    _text(value, path)
    if value not in catalog:
        raise DesignFileError(path, f"expected {wanted} slug from the catalog, found unknown slug {value!r}")
    item = catalog.get(value)
    if not isinstance(item, kinds):
        raise DesignFileError(path, f"expected {wanted} slug, found {value!r} which is a {item.kind}")
    return item


# --- sections -----------------------------------------------------------------------------

_SITE_REQUIRED = ("width_m", "depth_m")
_SITE_OPTIONAL = ("tile_mm", "it_power_kw", "pue", "facility_power_kw", "cooling", "floor_max_kg_per_m2",
                  "redundancy", "electricity_usd_per_kwh")


def _load_site(value: Any, path: str) -> Site:
    data = _object(value, path, _SITE_REQUIRED, _SITE_OPTIONAL)
    defaults = Site(width_m=1, depth_m=1)
    cooling = defaults.cooling
    if "cooling" in data:
        cpath = _join(path, "cooling")
        c = _object(data["cooling"], cpath, (), ("air_kw", "liquid_kw"))
        cooling = SiteCooling(
            air_kw=_number(c.get("air_kw", 0.0), _join(cpath, "air_kw"), unit="kW", minimum=0, maximum=MAX_POWER_KW),
            liquid_kw=_number(c.get("liquid_kw", 0.0), _join(cpath, "liquid_kw"), unit="kW", minimum=0,
                              maximum=MAX_POWER_KW),
        )
    return Site(
        width_m=_number(data["width_m"], _join(path, "width_m"), unit="m", above=0, maximum=MAX_HALL_M),
        depth_m=_number(data["depth_m"], _join(path, "depth_m"), unit="m", above=0, maximum=MAX_HALL_M),
        tile_mm=_number(data.get("tile_mm", defaults.tile_mm), _join(path, "tile_mm"), unit="mm",
                        minimum=TILE_MM_RANGE[0], maximum=TILE_MM_RANGE[1], integer=True),
        it_power_kw=_number(data.get("it_power_kw", defaults.it_power_kw), _join(path, "it_power_kw"), unit="kW",
                            minimum=0, maximum=MAX_POWER_KW),
        pue=_number(data.get("pue", defaults.pue), _join(path, "pue"), minimum=PUE_RANGE[0], maximum=PUE_RANGE[1]),
        facility_power_kw=_number(data.get("facility_power_kw", defaults.facility_power_kw),
                                  _join(path, "facility_power_kw"), unit="kW", minimum=0, maximum=MAX_POWER_KW),
        cooling=cooling,
        floor_max_kg_per_m2=_number(data.get("floor_max_kg_per_m2", defaults.floor_max_kg_per_m2),
                                    _join(path, "floor_max_kg_per_m2"), unit="kg/m²", above=0,
                                    maximum=MAX_FLOOR_KG_PER_M2),
        redundancy=_choice(data.get("redundancy", defaults.redundancy), _join(path, "redundancy"),
                           REDUNDANCY_TARGETS),
        electricity_usd_per_kwh=_number(data.get("electricity_usd_per_kwh", defaults.electricity_usd_per_kwh),
                                        _join(path, "electricity_usd_per_kwh"), unit="USD/kWh", minimum=0,
                                        maximum=MAX_USD_PER_KWH),
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
    data = _object(value, path, ("model", "u"), ())
    mpath = _join(path, "model")
    item = _slug(data["model"], mpath, catalog, (System, Switch, Storage, FacilityCooling),
                 "a device (system, switch, storage or in-rack cooling)")
    if not is_placeable(item):
        if isinstance(item, System):
            raise DesignFileError(mpath, f"expected a device that goes in a rack, found {item.slug!r} which is a "
                                         "rack-scale system: use it as the rack's 'model' instead")
        raise DesignFileError(mpath, f"expected a device that goes in a rack, found {item.slug!r} which is "
                                     "floor-standing facility equipment: list it under 'facility'")
    u = _number(data["u"], _join(path, "u"), unit="U", minimum=1, maximum=MAX_U, integer=True)
    return DevicePlacement(model=item.slug, u=u)


def _load_pdu(value: Any, path: str, catalog: Catalog) -> PduPlacement:
    data = _object(value, path, ("model",), ("feed",))
    item = _slug(data["model"], _join(path, "model"), catalog, (Pdu,), "a rack PDU")
    feed = _choice(data.get("feed", "A"), _join(path, "feed"), FEEDS)
    return PduPlacement(model=item.slug, feed=feed)


_RACK_REQUIRED = ("id", "model", "x_tiles", "y_tiles")
_RACK_OPTIONAL = ("rotation", "cooling", "pdus", "devices")


def _load_rack(value: Any, path: str, catalog: Catalog) -> RackPlacement:
    data = _object(value, path, _RACK_REQUIRED, _RACK_OPTIONAL)
    rack_id = _limited_text(data["id"], _join(path, "id"), "rack_id")
    mpath = _join(path, "model")
    model = _slug(data["model"], mpath, catalog, (Rack, System), "a rack cabinet or rack-scale system")
    if isinstance(model, System) and not model.is_rack_scale:
        raise DesignFileError(mpath, f"expected a rack cabinet or rack-scale system, found {model.slug!r} which is "
                                     "a server: put it in the rack's 'devices'")
    cooling = _slug(data.get("cooling", "air"), _join(path, "cooling"), catalog, (RackCooling,),
                    "a rack cooling method")
    pdus_path = _join(path, "pdus")
    devices_path = _join(path, "devices")
    return RackPlacement(
        id=rack_id,
        model=model.slug,
        x_tiles=_number(data["x_tiles"], _join(path, "x_tiles"), unit="tiles", minimum=0, maximum=MAX_TILES,
                        integer=True),
        y_tiles=_number(data["y_tiles"], _join(path, "y_tiles"), unit="tiles", minimum=0, maximum=MAX_TILES,
                        integer=True),
        rotation=_choice(data.get("rotation", 0), _join(path, "rotation"), ROTATIONS),
        cooling=cooling.slug,
        pdus=tuple(_load_pdu(p, _join(pdus_path, i), catalog)
                   for i, p in enumerate(_list(data.get("pdus", []), pdus_path))),
        devices=tuple(_load_device(d, _join(devices_path, i), catalog)
                      for i, d in enumerate(_list(data.get("devices", []), devices_path))),
    )


def _load_fabrics(value: Any, path: str, catalog: Catalog) -> dict[str, Fabric]:
    data = _object(value, path, (), FABRIC_ROLES)
    fabrics: dict[str, Fabric] = {}
    for role in FABRIC_ROLES:  # a fixed order, whatever the file's order
        if role not in data:
            continue
        fpath = _join(path, role)
        f = _object(data[role], fpath, ("model",), ("topology", "oversubscription"))
        switch = _slug(f["model"], _join(fpath, "model"), catalog, (Switch,), "a network switch")
        fabrics[role] = Fabric(
            model=switch.slug,
            topology=_choice(f.get("topology", "rail-optimized" if role == "compute" else "fat-tree"),
                             _join(fpath, "topology"), TOPOLOGIES),
            oversubscription=_number(f.get("oversubscription", 1.0), _join(fpath, "oversubscription"),
                                     minimum=OVERSUBSCRIPTION_RANGE[0], maximum=OVERSUBSCRIPTION_RANGE[1]),
        )
    return fabrics


def _load_counted(value: Any, path: str, catalog: Catalog, kinds: tuple[type[Item], ...],
                  wanted: str) -> tuple[CountedItem, ...]:
    items = []
    for i, entry in enumerate(_list(value, path)):
        epath = _join(path, i)
        data = _object(entry, epath, ("model",), ("count",))
        item = _slug(data["model"], _join(epath, "model"), catalog, kinds, wanted)
        count = _number(data.get("count", 1), _join(epath, "count"), minimum=1, maximum=MAX_COUNT, integer=True)
        items.append(CountedItem(model=item.slug, count=count))
    return tuple(items)


_WORKLOAD_INTS = {"input_tokens": MAX_TOKENS, "output_tokens": MAX_TOKENS, "tensor_parallel": MAX_PARALLEL,
                  "concurrency": MAX_PARALLEL, "sequence_length": MAX_TOKENS,
                  "global_batch_sequences": NUMBERS["batch_sequences"].maximum}
_WORKLOAD_FLOATS = {"ttft_p99_limit_ms": NUMBERS["latency_ms"].maximum, "tpot_p99_limit_ms": NUMBERS["latency_ms"].maximum,
                    "train_tokens": NUMBERS["train_tokens"].maximum}
_WORKLOAD_FIELDS = ("kind", "model", "precision", "scenario", *_WORKLOAD_INTS, *_WORKLOAD_FLOATS, "preset", "name")


def _load_workload(value: Any, path: str, catalog: Catalog) -> Workload:
    data = _object(value, path, ("kind",), tuple(f for f in _WORKLOAD_FIELDS if f != "kind"))
    kind = _choice(data["kind"], _join(path, "kind"), WORKLOAD_KINDS)
    values: dict[str, Any] = {"kind": kind}
    if kind in ("inference", "training") and "model" not in data:
        raise DesignFileError(_join(path, "model"), f"missing required field 'model' (an {kind} workload "
                                                    "names the LLM it runs)")
    if "model" in data:
        values["model"] = _slug(data["model"], _join(path, "model"), catalog, (LlmModel,), "an LLM model").slug
    if "precision" in data:
        values["precision"] = _choice(data["precision"], _join(path, "precision"), PRECISIONS)
    if "scenario" in data:
        values["scenario"] = _choice(data["scenario"], _join(path, "scenario"), SCENARIOS)
    for name, maximum in _WORKLOAD_INTS.items():
        if name in data:
            values[name] = _number(data[name], _join(path, name), minimum=1, maximum=maximum, integer=True)
    for name, maximum in _WORKLOAD_FLOATS.items():
        if name in data:
            values[name] = _number(data[name], _join(path, name), above=0, maximum=maximum)
    for name in ("preset", "name"):
        if name in data:
            values[name] = _limited_text(data[name], _join(path, name), "workload_name" if name == "name" else name)
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
    block = _object(data["estimates"], "estimates", ("result",), _ESTIMATES_KEYS[1:])
    result = block["result"]
    if not isinstance(result, Mapping) or not isinstance(result.get("results", []), list):
        raise DesignFileError("estimates.result", f"expected an estimate result object with a 'results' list, "
                                                  f"found {_kind_of(result)}")
    if "stale" in block and not isinstance(block["stale"], bool):
        raise DesignFileError("estimates.stale", f"expected true or false, found {_kind_of(block['stale'])}")
    finished = block.get("finished_at", "")
    if not isinstance(finished, str):
        raise DesignFileError("estimates.finished_at", f"expected a date-time text, found {_kind_of(finished)}")
    return {"result": dict(result), "finished_at": finished, "stale": bool(block.get("stale", False))}


def load_design(data: Any, catalog: Catalog) -> Design:
    """The ``Design`` of a decoded design file; ``DesignFileError`` (with its JSON path) otherwise."""
    if not isinstance(data, Mapping):
        raise DesignFileError("", f"expected a design object at the top level, found {_kind_of(data)}")
    if "format" not in data:
        raise DesignFileError("format", f"missing required field 'format' (expected {DESIGN_FORMAT!r})")
    if data["format"] != DESIGN_FORMAT:
        raise DesignFileError("format", f"expected {DESIGN_FORMAT!r}, found {_kind_of(data['format'])}")
    _object(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    name = _limited_text(data.get("name", "Untitled design"), "name", "name")
    site = _load_site(data["site"], "site")
    racks_path = "racks"
    racks: list[RackPlacement] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(_list(data.get("racks", []), racks_path)):
        rack = _load_rack(r, _join(racks_path, i), catalog)
        if rack.id in seen:
            raise DesignFileError(_join(_join(racks_path, i), "id"),
                                  f"expected a unique rack id, found {rack.id!r} which racks[{seen[rack.id]}] "
                                  "already uses")
        seen[rack.id] = i
        racks.append(rack)
    fabrics = _load_fabrics(data.get("fabrics", {}), "fabrics", catalog)
    storage = _load_counted(data.get("storage", []), "storage", catalog, (Storage,), "a storage appliance")
    facility = _load_counted(data.get("facility", []), "facility", catalog, (FacilityCooling,),
                             "facility cooling equipment")
    workloads_path = "workloads"
    workloads = tuple(_load_workload(w, _join(workloads_path, i), catalog)
                      for i, w in enumerate(_list(data.get("workloads", []), workloads_path)))
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
    }


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
        "storage": lambda: [{"model": s.model, "count": s.count} for s in design.storage],
        "facility": lambda: [{"model": s.model, "count": s.count} for s in design.facility],
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
