"""Form fields → the arguments of an edit operation, every bound from ``limits``.

``data`` is any mapping with ``get(name)`` and ``getlist(name)`` (a Django ``QueryDict``, or
``Form`` below in tests). A field that does not parse or is out of range raises ``EditError``
naming it; nothing here looks at the catalog (the operations do).
"""

from __future__ import annotations

from typing import Any

from ..design import FABRIC_ROLES, FEEDS, REDUNDANCY_TARGETS, TOPOLOGIES, Site, SiteCooling
from ..limits import NUMBERS, SITE_NUMBERS, check_text, parse_number
from .base import EditError

SITE_LABELS = {"width_m": "Hall width (m)", "depth_m": "Hall depth (m)", "tile_mm": "Tile (mm)",
               "it_power_kw": "IT power (kW)", "pue": "PUE", "facility_power_kw": "Facility power (kW)",
               "air_cooling_kw": "Air cooling (kW)", "liquid_cooling_kw": "Liquid cooling (kW)",
               "floor_max_kg_per_m2": "Floor rating (kg/m²)", "redundancy": "Redundancy",
               "electricity_usd_per_kwh": "Electricity (USD/kWh)"}


class Form(dict):
    """A plain dict with ``getlist`` (a list value is many fields of one name), for code and tests."""

    def get(self, name, default=None):
        value = super().get(name, default)
        return value[-1] if isinstance(value, list) and value else value

    def getlist(self, name) -> list:
        value = super().get(name, [])
        return list(value) if isinstance(value, (list, tuple)) else [value]


def number(data, name: str, limit: str, what: str | None = None) -> int | float:
    """``data[name]`` as a number within ``NUMBERS[limit]`` (``what`` renames it in the message)."""
    try:
        return parse_number(data.get(name), limit)
    except ValueError as exc:
        message = str(exc)
        if what:
            message = message.replace(NUMBERS[limit].label, what, 1)
        raise EditError(message) from None


def text(value: Any, limit: str) -> str:
    try:
        return check_text(value, limit)
    except ValueError as exc:
        raise EditError(str(exc)) from None


def labels(data) -> list[str]:
    """The selected rack ids (``rack``, repeated), each once."""
    found = [label for label in data.getlist("rack") if label]
    if not found:
        raise EditError("Select a rack first")
    return list(dict.fromkeys(text(label, "rack_id") for label in found))


def one_label(data) -> str:
    return labels(data)[0]


def slug(data, name: str) -> str:
    value = data.get(name) or ""
    return text(value, "slug") if value else ""


def move_args(data) -> dict:
    return {"labels": labels(data), "dx": number(data, "dx", "move_tiles", "The move along x"),
            "dy": number(data, "dy", "move_tiles", "The move along y")}


def racks_args(data) -> dict:
    return {"labels": labels(data)}


def add_rack_args(data) -> dict:
    rotation = data.get("rotation") or "0"
    try:
        rotation = int(rotation)
    except ValueError:
        raise EditError("The rotation must be 0, 90, 180 or 270 degrees") from None
    return {"model": slug(data, "model"), "x": number(data, "x", "tiles", "The tile x"),
            "y": number(data, "y", "tiles", "The tile y"), "rotation": rotation}


def device_args(data) -> dict:
    return {"label": one_label(data), "model": slug(data, "model"), "u": number(data, "u", "u", "The U slot")}


def move_device_args(data) -> dict:
    return {"label": one_label(data), "index": _device_index(data), "u": number(data, "u", "u", "The U slot")}


def _device_index(data) -> int:
    raw = (data.get("device") or "").strip()
    if not raw.isdigit():
        raise EditError(f"The device must be picked in the elevation (got '{raw[:20]}')")
    return int(raw)


def remove_device_args(data) -> dict:
    return {"label": one_label(data), "index": _device_index(data)}


def autofill_args(data) -> dict:
    return {"label": one_label(data), "model": slug(data, "model")}


def rack_args(data) -> dict:
    """Cooling and PDUs: ``pdu_a``/``pdu_b`` a model per feed (empty: none) and ``pdu_a_count``/
    ``pdu_b_count`` how many (one when a model is given without a count)."""
    pdus = {}
    for feed in FEEDS:
        key = f"pdu_{feed.lower()}"
        model = slug(data, key)
        raw = data.get(f"{key}_count")
        count = (number(data, f"{key}_count", "pdus_per_feed", f"The number of PDUs on feed {feed}")
                 if raw not in (None, "") else (1 if model else 0))
        pdus[feed] = (model, count)
    return {"label": one_label(data), "cooling": slug(data, "cooling"), "pdus": pdus}


def site_args(data) -> dict:
    """A whole ``Site`` from the site panel; every bad field is named in ``field_errors``."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in SITE_NUMBERS:
        try:
            values[name] = parse_number(data.get(name), name)
        except ValueError as exc:
            errors[name] = [str(exc)]
    redundancy = data.get("redundancy") or ""
    if redundancy not in REDUNDANCY_TARGETS:
        errors["redundancy"] = [f"Redundancy must be one of {', '.join(REDUNDANCY_TARGETS)}"]
    if errors:
        first, messages = next(iter(errors.items()))
        raise EditError(f"{SITE_LABELS[first]}: {messages[0]}", field_errors=errors)
    return {"site": Site(width_m=values["width_m"], depth_m=values["depth_m"], tile_mm=values["tile_mm"],
                         it_power_kw=values["it_power_kw"], pue=values["pue"],
                         facility_power_kw=values["facility_power_kw"],
                         cooling=SiteCooling(values["air_cooling_kw"], values["liquid_cooling_kw"]),
                         floor_max_kg_per_m2=values["floor_max_kg_per_m2"], redundancy=redundancy,
                         electricity_usd_per_kwh=values["electricity_usd_per_kwh"])}


def _counted(data, prefix: str) -> list[tuple[str, int, int]] | None:
    """Repeated ``<prefix>_model``/``_count`` and, optionally, ``_phase`` (the build-out phase, 1 when
    absent): ``[(model, count, phase), …]``."""
    if f"{prefix}_model" not in data:
        return None
    models, counts = data.getlist(f"{prefix}_model"), data.getlist(f"{prefix}_count")
    phases = data.getlist(f"{prefix}_phase") or ["1"] * len(models)
    entries = []
    for model, raw, phase in zip(models, counts, phases + ["1"] * (len(models) - len(phases)), strict=False):
        if not model:
            continue
        model = text(model, "slug")
        count = number({"count": raw}, "count", "count", f"The count of {model}") if str(raw).strip() != "0" else 0
        entries.append((model, count, number({"phase": phase or "1"}, "phase", "phase", f"The phase of {model}")))
    return entries


def fabrics_args(data) -> dict:
    """Per role ``fabric_<role>_model`` (empty: no such fabric; missing: unchanged), ``_topology``
    and ``_oversubscription``; storage and facility as repeated ``<x>_model``/``<x>_count``."""
    fabrics: dict[str, tuple[str, str, float] | None] = {}
    for role in FABRIC_ROLES:
        model = data.get(f"fabric_{role}_model")
        if model is None:
            continue
        if not model:
            fabrics[role] = None
            continue
        topology = data.get(f"fabric_{role}_topology") or "rail-optimized"
        if topology not in TOPOLOGIES:
            raise EditError(f"The topology must be one of {', '.join(TOPOLOGIES)}")
        raw = data.get(f"fabric_{role}_oversubscription") or "1"
        over = number({"o": raw}, "o", "oversubscription", "The oversubscription")
        fabrics[role] = (text(model, "slug"), topology, float(over))
    return {"fabrics": fabrics, "storage": _counted(data, "storage"), "facility": _counted(data, "facility")}


def rename_args(data) -> dict:
    return {"name": text((data.get("name") or "").strip(), "name")}
